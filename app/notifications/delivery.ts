/**
 * Sending stored deliveries. `deliverDue` (the DeliverNotification job)
 * claims each due delivery of a notification — a conditional update, so two
 * runs never send one delivery at once — sends it through the
 * ChannelRegistry with the delivery's idempotency key, and logs the attempt
 * (status, provider id, error, latency). Transient errors retry on the
 * backoff schedule (webhooks over hours); permanent ones stop, and the
 * channel's health is kept (channel_health.ts: a run of failures, or a
 * channel at fault, switches it off and its owner is told).
 *
 * Every function takes `now`, so retries run on a controlled clock in tests.
 */
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import notificationsConfig from '#config/notifications'
import type { ChannelKind } from '#models/notification_channel'
import type { NotificationMessage } from '#notifications/message'
import {
  asDeliveryError,
  PermanentDeliveryError,
  TransientDeliveryError,
} from '#notifications/errors'
import { retryDelayMs } from '#notifications/retry_policy'
import { channelRegistry } from '#notifications/runtime'
import {
  channelFailed,
  channelSucceeded,
  disableChannel,
  removeChannel,
} from '#notifications/channel_health'
import {
  messageFromRow,
  type ChannelRow,
  type DeliveryRow,
  type NotificationRow,
} from '#notifications/notification_rows'
import { decryptSecret } from '#security/secrets'
import { affectedRows, dbTime } from '#purchasing/sql'
import { publishToUser } from '#monitoring/live_feed'

export type DeliveryOutcome =
  | { outcome: 'sent'; deliveryId: number; providerId: string | null; latencyMs: number }
  | { outcome: 'retry'; deliveryId: number; delayMs: number; error: string }
  | { outcome: 'failed'; deliveryId: number; error: string }
  | { outcome: 'skipped'; deliveryId: number; reason: string }

/** A delivery in `sending` longer than this belongs to a dead worker: it may be claimed again. */
export const SENDING_LEASE_MS = 5 * 60_000

/** Retry delays per kind: webhooks over hours (config), people's channels within the hour. */
const HUMAN_RETRY_SCHEDULE_MS = [30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000]
function retrySchedule(kind: ChannelKind): readonly number[] {
  return kind === 'webhook' || kind === 'slack' || kind === 'discord'
    ? notificationsConfig.webhooks.retryScheduleMs
    : HUMAN_RETRY_SCHEDULE_MS
}

/**
 * The deliveries a run may claim: queued and due by `dueBy`, or `sending`
 * with a lease that lapsed before `now` (its worker died). The claim, the
 * job's read of what is due and the sweep all ask this one question.
 */
export function whereClaimable(
  query: DatabaseQueryBuilderContract,
  client: QueryClientContract,
  now: Date,
  dueBy: Date = now
) {
  return query.where((claimable) => {
    claimable
      .where((queued) =>
        queued.where('status', 'queued').where('send_at', '<=', dbTime(client, dueBy))
      )
      .orWhere((stale) =>
        stale
          .where('status', 'sending')
          .where('updated_at', '<', dbTime(client, new Date(now.getTime() - SENDING_LEASE_MS)))
      )
  })
}

/** Claims a due delivery (queued, or sending with a lapsed lease). True when this run owns it. */
async function claim(deliveryId: number, now: Date): Promise<boolean> {
  const client = db.connection()
  const updated = await whereClaimable(
    client.from('notification_deliveries').where('id', deliveryId),
    client,
    now
  ).update({ status: 'sending', updated_at: dbTime(client, now) })
  return affectedRows(updated) === 1
}

/** Delivers every due delivery of a notification (the DeliverNotification job). */
export async function deliverDue(
  notificationId: number,
  now = new Date()
): Promise<DeliveryOutcome[]> {
  const client = db.connection()
  const due = await whereClaimable(
    client
      .from('notification_deliveries')
      .where('notification_id', notificationId)
      .whereIn('mode', ['now', 'deferred', 'escalation']),
    client,
    now
  ).select('id')
  const outcomes = await Promise.all(due.map((row) => deliverOne(Number(row.id), now)))
  return outcomes.filter((outcome): outcome is DeliveryOutcome => outcome !== null)
}

/** Columns of the joined read, by table, each aliased `<prefix><column>`. */
const NOTIFICATION_COLUMNS = [
  'id',
  'user_id',
  'alert_id',
  'type',
  'title',
  'body',
  'link',
  'priority',
  'data',
  'created_at',
] as const
const CHANNEL_COLUMNS = [
  'id',
  'user_id',
  'kind',
  'name',
  'encrypted_config',
  'verified_at',
  'disabled_at',
  'consecutive_failures',
  'failing_since',
] as const

/** The columns of one table out of the joined row; null when the left join found none. */
function pick<T>(joined: Record<string, unknown>, prefix: string, columns: readonly string[]) {
  if (joined[`${prefix}id`] === null || joined[`${prefix}id`] === undefined) return null
  return Object.fromEntries(columns.map((column) => [column, joined[`${prefix}${column}`]])) as T
}

/** Sends one delivery if this run can claim it; null when another run has it or it is not due. */
export async function deliverOne(
  deliveryId: number,
  now = new Date()
): Promise<DeliveryOutcome | null> {
  if (!(await claim(deliveryId, now))) return null
  // One read for the delivery, its notification and its channel.
  const joined: Record<string, unknown> = await db
    .from('notification_deliveries as d')
    .leftJoin('notifications as n', 'n.id', 'd.notification_id')
    .leftJoin('notification_channels as c', 'c.id', 'd.channel_id')
    .where('d.id', deliveryId)
    .select(
      'd.id',
      'd.notification_id',
      'd.idempotency_key',
      'd.attempts',
      ...NOTIFICATION_COLUMNS.map((column) => `n.${column} as n_${column}`),
      ...CHANNEL_COLUMNS.map((column) => `c.${column} as c_${column}`)
    )
    .first()
  const delivery = joined as unknown as DeliveryRow
  const notification = pick<NotificationRow>(joined, 'n_', NOTIFICATION_COLUMNS)
  const channel = pick<ChannelRow>(joined, 'c_', CHANNEL_COLUMNS)
  const skip = async (reason: string): Promise<DeliveryOutcome> => {
    await db
      .from('notification_deliveries')
      .where('id', deliveryId)
      .update({ status: 'skipped', last_error: reason, updated_at: dbTime(db.connection(), now) })
    return { outcome: 'skipped', deliveryId, reason }
  }
  if (!notification) return skip('notification deleted')
  if (!channel) return skip('channel removed')
  if (channel.disabled_at) return skip('channel disabled')
  const registry = await channelRegistry()
  if (!registry.isAvailable(channel.kind))
    return skip(`${channel.kind} is not configured on this server`)
  const message = messageFromRow(notification)
  const result = await attempt(channel, message, delivery.idempotency_key, now)
  return recordResult([delivery], channel, result, now, notification)
}

export type AttemptResult =
  | { ok: true; providerId: string | null; latencyMs: number }
  | { ok: false; error: PermanentDeliveryError | TransientDeliveryError; latencyMs: number }

/** One send through the channel's driver (a delivery, or a digest of many). */
export async function attempt(
  channel: ChannelRow,
  message: NotificationMessage,
  idempotencyKey: string,
  now: Date
): Promise<AttemptResult> {
  const registry = await channelRegistry()
  const started = performance.now()
  try {
    const config = decryptSecret<unknown>(channel.encrypted_config, 'channel.config')
    const { providerId } = await registry
      .get(channel.kind)
      .deliver(message, config, { idempotencyKey, now })
    return { ok: true, providerId, latencyMs: Math.round(performance.now() - started) }
  } catch (error) {
    const typed = asDeliveryError(channel.kind, error) as
      PermanentDeliveryError | TransientDeliveryError
    return { ok: false, error: typed, latencyMs: Math.round(performance.now() - started) }
  }
}

/**
 * Logs the attempt on each delivery it carried (one, or a digest's many),
 * moves them on (sent / queued for a retry / failed), and keeps the
 * channel's health.
 */
export async function recordResult(
  deliveries: DeliveryRow[],
  channel: ChannelRow,
  result: AttemptResult,
  now: Date,
  notification?: NotificationRow
): Promise<DeliveryOutcome> {
  const client = db.connection()
  const at = dbTime(client, now)
  const ids = deliveries.map((delivery) => Number(delivery.id))
  const first = deliveries[0]
  const attempts = Number(first.attempts) + 1
  const errorText = result.ok ? null : result.error.message.slice(0, 500)
  await client.table('notification_attempts').insert(
    deliveries.map((delivery) => ({
      delivery_id: delivery.id,
      attempt: Number(delivery.attempts) + 1,
      status: result.ok
        ? 'sent'
        : result.error instanceof PermanentDeliveryError
          ? 'permanent'
          : 'transient',
      provider_id: result.ok ? (result.providerId?.slice(0, 191) ?? null) : null,
      error_code: result.ok ? null : result.error.code.slice(0, 64),
      error: errorText,
      latency_ms: result.latencyMs,
      attempted_at: at,
    }))
  )

  if (result.ok) {
    await client
      .from('notification_deliveries')
      .whereIn('id', ids)
      .update({
        status: 'sent',
        attempts,
        provider_id: result.providerId?.slice(0, 191) ?? null,
        latency_ms: result.latencyMs,
        last_error: null,
        delivered_at: at,
        updated_at: at,
      })
    await channelSucceeded(client, channel, now)
    if (notification) {
      publishToUser(notification.user_id, {
        kind: 'delivery',
        delivery: {
          notificationId: Number(notification.id),
          alertId: notification.alert_id === null ? null : Number(notification.alert_id),
          channelKind: channel.kind,
          channelName: channel.name,
          deliveredAt: now.toISOString(),
        },
      })
    }
    return {
      outcome: 'sent',
      deliveryId: ids[0],
      providerId: result.providerId,
      latencyMs: result.latencyMs,
    }
  }

  const error = result.error
  const health = await channelFailed(client, channel, now)

  /** A transient failure is tried again while its retry schedule lasts; anything else fails now. */
  const transient = error instanceof TransientDeliveryError
  const delayMs = transient
    ? retryDelayMs(attempts, {
        schedule: retrySchedule(channel.kind),
        retryAfterMs: error.retryAfterMs,
      })
    : null
  let outcome: DeliveryOutcome
  if (delayMs !== null) {
    await client
      .from('notification_deliveries')
      .whereIn('id', ids)
      .update({
        status: 'queued',
        attempts,
        last_error: errorText,
        send_at: dbTime(client, new Date(now.getTime() + delayMs)),
        updated_at: at,
      })
    outcome = { outcome: 'retry', deliveryId: ids[0], delayMs, error: errorText! }
  } else {
    await client
      .from('notification_deliveries')
      .whereIn('id', ids)
      .update({ status: 'failed', attempts, last_error: errorText, updated_at: at })
    outcome = { outcome: 'failed', deliveryId: ids[0], error: errorText! }
  }
  if (!transient) {
    if (error.code === 'subscription_gone') {
      await removeChannel(
        channel,
        'the browser unsubscribed (the push service answered that the subscription is gone)',
        now
      )
      return outcome
    }
    if (error.channelAtFault) {
      await disableChannel(
        channel,
        `Permanent delivery failure: ${error.message}`.slice(0, 500),
        now
      )
      return outcome
    }
    logger.error(
      { channelKind: channel.kind, code: error.code },
      'notification provider refused a delivery: %s',
      error.message
    )
  }
  if (health.runIsTooLong) {
    await disableChannel(
      channel,
      `Disabled after ${health.failures} failed deliveries in a row: ${error.message}`.slice(
        0,
        500
      ),
      now
    )
  }
  return outcome
}
