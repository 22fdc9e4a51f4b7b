/**
 * A user's notification channels: list (targets masked, secrets never
 * returned), add (validated by the kind's driver: 422 naming the field),
 * remove, and a test send that reports the provider's answer. Used by the
 * settings page and /api/v1/notifications alike.
 */
import db from '@adonisjs/lucid/services/db'
import { hdtickets } from '#config/app'
import { apiErrors } from '#exceptions/catalogue'
import { CHANNEL_KINDS, type ChannelKind, type FieldError } from '#notifications/channels/contract'
import { redactUrl } from '#notifications/channels/validation'
import { buildSystemAlert } from '#notifications/message'
import { asDeliveryError } from '#notifications/errors'
import { channelRegistry } from '#notifications/runtime'
import { decryptSecret, encryptSecret } from '#security/secrets'
import { dbTime, insertReturningId } from '#purchasing/sql'
import NotificationTransformer from '#transformers/notification_transformer'

export class ChannelInvalid extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((error) => `${error.field}: ${error.message}`).join('; '))
  }
}

/** What the owner sees of a channel's target: enough to recognise it, never a token or secret. */
export function maskTarget(kind: string, config: any): string | null {
  if (!config || typeof config !== 'object') return null
  switch (kind) {
    case 'email': {
      const [local, domain] = String(config.address ?? '').split('@')
      return local && domain ? `${local[0]}…@${domain}` : null
    }
    case 'sms': {
      const number = String(config.number ?? '')
      return number.length > 4 ? `${number.slice(0, 2)}…${number.slice(-4)}` : null
    }
    case 'webhook':
    case 'slack':
    case 'discord':
      return config.url ? redactUrl(config.url) : null
    case 'webpush':
      try {
        return `push via ${new URL(config.endpoint).host}`
      } catch {
        return null
      }
    default:
      return null
  }
}

export async function listChannels(userId: number) {
  const rows = await db.from('notification_channels').where('user_id', userId).orderBy('id')
  return rows.map((row) => {
    let target: string | null = null
    try {
      target = maskTarget(row.kind, decryptSecret(row.encrypted_config, 'channel.config'))
    } catch {
      target = null
    }
    return NotificationTransformer.channel(row, target)
  })
}

export async function availableKinds(): Promise<ChannelKind[]> {
  return (await channelRegistry()).availableKinds().filter((kind) => kind !== 'inapp')
}

/**
 * Validates and stores a channel. Field errors name the input field
 * (`kind`, `name`, `config.url`, …). For a webhook without a secret, the
 * generated signing secret is returned here, once, so the receiver can
 * verify signatures; it is never returned again.
 */
export async function addChannel(
  userId: number,
  input: { kind?: unknown; name?: unknown; config?: unknown }
) {
  const registry = await channelRegistry()
  const errors: FieldError[] = []
  const kind = input.kind as ChannelKind
  if (!(CHANNEL_KINDS as readonly string[]).includes(String(input.kind)) || kind === 'inapp') {
    throw new ChannelInvalid([
      {
        field: 'kind',
        code: 'E_INVALID_KIND',
        message: `Choose one of: ${CHANNEL_KINDS.filter((k) => k !== 'inapp').join(', ')}`,
      },
    ])
  }
  if (!registry.isAvailable(kind)) {
    throw new ChannelInvalid([
      {
        field: 'kind',
        code: 'E_KIND_UNAVAILABLE',
        message: `${kind} is not configured on this server`,
      },
    ])
  }
  const name = typeof input.name === 'string' ? input.name.trim() : ''
  if (name.length < 1 || name.length > 120)
    errors.push({
      field: 'name',
      code: 'E_REQUIRED',
      message: 'Give the channel a name (1–120 characters)',
    })
  const validation = await registry.get(kind).validateConfig(input.config)
  if (!validation.ok)
    errors.push(
      ...validation.errors.map((error) => ({
        ...error,
        field: `config.${error.field}`.replace(/^config\.config$/, 'config'),
      }))
    )
  if (errors.length > 0) throw new ChannelInvalid(errors)
  const config = (validation as { ok: true; config: any }).config
  const generatedSecret =
    kind === 'webhook' && !(input.config as any)?.secret ? (config.secret as string) : null
  const now = dbTime(db.connection(), new Date())
  const id = await insertReturningId(db.connection(), 'notification_channels', {
    user_id: userId,
    kind,
    name,
    encrypted_config: encryptSecret(config, 'channel.config'),
    consecutive_failures: 0,
    created_at: now,
    updated_at: now,
  })
  const row = await db.from('notification_channels').where('id', id).first()
  return {
    channel: NotificationTransformer.channel(row, maskTarget(kind, config)),
    signingSecret: generatedSecret,
  }
}

export async function removeChannel(userId: number, id: number) {
  const deleted = await db.from('notification_channels').where({ id, user_id: userId }).delete()
  if (!Number(Array.isArray(deleted) ? deleted[0] : deleted))
    throw new apiErrors.E_NOT_FOUND('No such channel')
}

/** Re-enables a channel a failure run switched off. */
export async function enableChannel(userId: number, id: number) {
  const updated = await db.from('notification_channels').where({ id, user_id: userId }).update({
    disabled_at: null,
    disabled_reason: null,
    consecutive_failures: 0,
    failing_since: null,
  })
  if (!Number(Array.isArray(updated) ? updated[0] : updated))
    throw new apiErrors.E_NOT_FOUND('No such channel')
}

export interface TestSendResult {
  ok: boolean
  providerId: string | null
  error: string | null
  errorCode: string | null
  latencyMs: number
}

/** Sends a test message now (not queued) and reports what the provider answered. */
export async function testChannel(
  userId: number,
  id: number,
  now = new Date()
): Promise<TestSendResult> {
  const row = await db.from('notification_channels').where({ id, user_id: userId }).first()
  if (!row) throw new apiErrors.E_NOT_FOUND('No such channel')
  const registry = await channelRegistry()
  const message = buildSystemAlert(
    {
      component: `channel "${row.name}"`,
      detail: 'This is a test message from HDTickets: this channel works.',
      path: '/settings/notifications',
    },
    { appUrl: hdtickets.url, now, priority: 'normal' }
  )
  message.title = 'HDTickets test message'
  const started = performance.now()
  try {
    const config = decryptSecret(row.encrypted_config, 'channel.config')
    const { providerId } = await registry
      .get(row.kind)
      .deliver(message, config, { idempotencyKey: `test:c${id}:${now.getTime()}`, now })
    await db
      .from('notification_channels')
      .where('id', id)
      .update({ verified_at: dbTime(db.connection(), now) })
    return {
      ok: true,
      providerId,
      error: null,
      errorCode: null,
      latencyMs: Math.round(performance.now() - started),
    }
  } catch (error) {
    const typed = asDeliveryError(row.kind, error)
    return {
      ok: false,
      providerId: null,
      error: typed.message,
      errorCode: typed.code,
      latencyMs: Math.round(performance.now() - started),
    }
  }
}

/** The latest delivery attempts of the user's channels (the settings page's log). */
export async function recentAttempts(userId: number, limit = 30) {
  const rows = await db
    .from('notification_attempts')
    .join(
      'notification_deliveries',
      'notification_deliveries.id',
      'notification_attempts.delivery_id'
    )
    .join('notifications', 'notifications.id', 'notification_deliveries.notification_id')
    .leftJoin(
      'notification_channels',
      'notification_channels.id',
      'notification_deliveries.channel_id'
    )
    .where('notifications.user_id', userId)
    .orderBy('notification_attempts.id', 'desc')
    .limit(limit)
    .select(
      'notification_attempts.*',
      'notification_deliveries.channel_kind',
      'notification_channels.name as channel_name',
      'notifications.title'
    )
  return rows.map(NotificationTransformer.attempt)
}
