import { isoTime } from '#purchasing/sql'

const iso = isoTime

/** Notifications, deliveries and channels as pages and the API see them (never a channel's secrets). */
export default class NotificationTransformer {
  static row(row: any) {
    return {
      id: Number(row.id),
      type: row.type,
      title: row.title,
      body: row.body,
      link: row.link,
      priority: row.priority,
      alertId: row.alert_id === null || row.alert_id === undefined ? null : Number(row.alert_id),
      readAt: iso(row.read_at),
      createdAt: iso(row.created_at),
    }
  }

  /** A receipt line: which channel, what state, when it was delivered. */
  static delivery(row: any) {
    return {
      channelId: row.channel_id === null ? null : Number(row.channel_id),
      channelKind: row.channel_kind,
      channelName: row.channel_name ?? (row.channel_kind === 'inapp' ? 'In-app' : null),
      status: row.status,
      attempts: Number(row.attempts),
      lastError: row.last_error ?? null,
      deliveredAt: iso(row.delivered_at),
    }
  }

  /** Only what identifies a channel to its owner: a masked target, never the secret or full URL. */
  static channel(row: any, target: string | null) {
    return {
      id: Number(row.id),
      kind: row.kind,
      name: row.name,
      target,
      verifiedAt: iso(row.verified_at),
      disabledAt: iso(row.disabled_at),
      disabledReason: row.disabled_reason ?? null,
      consecutiveFailures: Number(row.consecutive_failures),
      createdAt: iso(row.created_at),
    }
  }

  static attempt(row: any) {
    return {
      id: Number(row.id),
      deliveryId: Number(row.delivery_id),
      channelKind: row.channel_kind ?? null,
      channelName: row.channel_name ?? null,
      notificationTitle: row.title ?? null,
      attempt: Number(row.attempt),
      status: row.status,
      providerId: row.provider_id ?? null,
      errorCode: row.error_code ?? null,
      error: row.error ?? null,
      latencyMs: Number(row.latency_ms),
      attemptedAt: iso(row.attempted_at),
    }
  }
}
