/**
 * From "something happened" to every channel that should hear of it.
 *
 * 1. `createNotifications` (one transaction for a batch): the in-app
 *    notification row, one `notification_deliveries` row per (notification,
 *    channel) with its idempotency key and due time (delivery_plan.ts: the
 *    user's preferences, quiet hours in their time zone, digests,
 *    escalation), the escalation state, and `alerts.notified_at` for an
 *    alert's notification. After commit: pushed live (users/<id>) and a
 *    DeliverNotification job queued per notification (delayed when held).
 * 2. `deliverDue` (the job): claims each due delivery (a conditional update,
 *    so two runs never send one delivery at once), sends it through the
 *    ChannelRegistry with the delivery's idempotency key, and logs the
 *    attempt (status, provider id, error, latency). Transient errors retry
 *    on the backoff schedule (webhooks over hours); permanent ones stop, and
 *    the channel is disabled (a push subscription the service says is gone
 *    is removed); a run of failures disables an endpoint. The owner is told
 *    in-app.
 * 3. `sendDigests`, `runEscalations`, `sweep`: the scheduled jobs. The sweep
 *    re-queues deliveries whose job was lost (a worker killed between commit
 *    and dispatch, or mid-send once its lease lapsed) and notifies alerts
 *    whose notification was never created.
 *
 * Every function takes `now`, so retries, digests and escalation run on a
 * controlled clock in tests.
 */
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import notificationsConfig from '#config/notifications'
import { hdtickets } from '#config/app'
import type { ChannelKind } from '#models/notification_channel'
import type { NotificationType } from '#models/notification'
import { idempotencyKeyFor } from '#notifications/channels/contract'
import { buildAccountIssue, type NotificationMessage } from '#notifications/message'
import {
  asDeliveryError,
  PermanentDeliveryError,
  TransientDeliveryError,
} from '#notifications/errors'
import { planDeliveries } from '#notifications/delivery_plan'
import { buildDigest } from '#notifications/digests'
import { nextEscalation, type EscalationState } from '#notifications/escalation'
import {
  DEFAULT_PREFERENCES,
  type NotificationPreferences,
  type UserChannel,
} from '#notifications/preferences'
import { retryDelayMs, shouldDisable } from '#notifications/retry_policy'
import { channelRegistry } from '#notifications/runtime'
import { decryptSecret } from '#security/secrets'
import { affectedRows, dbTime, fromDbTime, insertReturningId } from '#purchasing/sql'
import { publishToUser } from '#monitoring/live_feed'
import NotificationTransformer from '#transformers/notification_transformer'
import { lazy } from '#services/lazy'

const deliverJob = lazy(() => import('#jobs/deliver_notification'))
const alertNotifications = lazy(() => import('#notifications/alert_notifications'))

export interface NotifyInput {
  userId: number
  /** Built by a message builder; its notificationId is filled in here */
  message: NotificationMessage
  alertId?: number | null
  /** A watch rule's channels (ids or kinds): entries other than "inapp" replace the type's preference */
  ruleChannels?: Array<number | string> | null
  /** Only the inbox (messages about the channels themselves must not go through them) */
  inAppOnly?: boolean
  /**
   * Only in the next digest: people's channels get it in their digest window
   * (the user's, or hourly when they have none); machine channels (webhooks),
   * which have no digest, are skipped. Matches held back by a rule's hourly cap.
   */
  digestOnly?: boolean
}

export interface CreatedNotification {
  id: number
  userId: number
  alertId: number | null
  /** Deliveries due now (queued at once) */
  dueNow: number
  /** Earliest later due time of a held delivery (quiet hours), when any */
  heldUntil: Date | null
}

/** Retry delays per kind: webhooks over hours (config), people's channels within the hour. */
const HUMAN_RETRY_SCHEDULE_MS = [30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000]
function retrySchedule(kind: ChannelKind): readonly number[] {
  return kind === 'webhook' || kind === 'slack' || kind === 'discord'
    ? notificationsConfig.webhooks.retryScheduleMs
    : HUMAN_RETRY_SCHEDULE_MS
}

/** Notifications per DeliverNotification job (a check's alerts go out together). */
const JOB_BATCH = 20

/** A delivery in `sending` longer than this belongs to a dead worker: it may be claimed again. */
export const SENDING_LEASE_MS = 5 * 60_000

const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value)

function resolveRuleChannels(
  ruleChannels: Array<number | string>,
  channels: UserChannel[]
): number[] {
  const ids = new Set<number>()
  for (const entry of ruleChannels) {
    if (typeof entry === 'number' || /^\d+$/.test(String(entry))) {
      const channel = channels.find((candidate) => candidate.id === Number(entry))
      if (channel) ids.add(channel.id)
    } else {
      for (const channel of channels) if (channel.kind === entry) ids.add(channel.id)
    }
  }
  return [...ids]
}

async function loadRecipients(userIds: number[]) {
  const [users, prefRows, channelRows] = await Promise.all([
    db.from('users').whereIn('id', userIds).select('id', 'timezone'),
    db
      .from('notification_preferences')
      .whereIn('user_id', userIds)
      .select('user_id', 'preferences'),
    db
      .from('notification_channels')
      .whereIn('user_id', userIds)
      .select('id', 'user_id', 'kind', 'disabled_at'),
  ])
  const preferences = new Map<number, NotificationPreferences>()
  for (const user of users)
    preferences.set(user.id, { ...DEFAULT_PREFERENCES, timeZone: user.timezone ?? 'UTC' })
  for (const row of prefRows) {
    const base = preferences.get(row.user_id)
    if (base)
      preferences.set(row.user_id, { ...base, ...parse(row.preferences), timeZone: base.timeZone })
  }
  const channels = new Map<number, UserChannel[]>()
  for (const row of channelRows) {
    const list = channels.get(row.user_id) ?? []
    list.push({ id: Number(row.id), kind: row.kind, active: row.disabled_at === null })
    channels.set(row.user_id, list)
  }
  return { preferences, channels }
}

/**
 * Stores a batch of notifications with their deliveries in one transaction
 * and queues their delivery. An alert that already has its notification is
 * skipped (the unique alert_id), so a sweep or a retried outbox row never
 * notifies twice.
 */
/** The digest window of digest-only messages for a user who has none: the hourly cap's hour. */
const DIGEST_ONLY_MINUTES = 60

/** A digest-only message: what would go out now (machine channels) is skipped, saying why. */
function onlyDigests(plan: ReturnType<typeof planDeliveries>): ReturnType<typeof planDeliveries> {
  return {
    deliveries: plan.deliveries.filter((delivery) => delivery.mode === 'digest'),
    skipped: [
      ...plan.skipped,
      ...plan.deliveries
        .filter((delivery) => delivery.mode !== 'digest')
        .map((delivery) => ({
          id: delivery.id,
          kind: delivery.kind,
          reason: `held back by the rule's hourly limit: ${delivery.kind} has no digest`,
        })),
    ],
    escalation: null,
  }
}

export async function createNotifications(
  inputs: NotifyInput[],
  options: { now?: Date; inline?: boolean } = {}
): Promise<CreatedNotification[]> {
  if (inputs.length === 0) return []
  const now = options.now ?? new Date()
  const { preferences, channels } = await loadRecipients([
    ...new Set(inputs.map((input) => input.userId)),
  ])
  const created: CreatedNotification[] = []
  /** The rows as inserted, for the live push after commit (no second read) */
  const stored = new Map<number, Record<string, unknown>>()

  await db.transaction(async (trx) => {
    const at = dbTime(trx, now)
    const alertIds = inputs
      .map((input) => input.alertId)
      .filter((id): id is number => typeof id === 'number')
    const already = new Set(
      alertIds.length
        ? (await trx.from('notifications').whereIn('alert_id', alertIds).select('alert_id')).map(
            (row) => Number(row.alert_id)
          )
        : []
    )
    const deliveries: Record<string, unknown>[] = []
    const escalations: Record<string, unknown>[] = []
    const accepted: Array<{ input: NotifyInput; values: Record<string, unknown> }> = []
    for (const input of inputs) {
      if (!preferences.has(input.userId)) continue
      if (input.alertId && already.has(input.alertId)) continue
      if (input.alertId) already.add(input.alertId)
      const { message } = input
      accepted.push({
        input,
        values: {
          user_id: input.userId,
          alert_id: input.alertId ?? null,
          type: message.type,
          title: message.title,
          body: message.body,
          link: message.link,
          priority: message.priority,
          data: JSON.stringify(message.data),
          created_at: at,
        },
      })
    }
    const ids = await insertNotifications(trx, accepted)
    for (const [index, { input, values }] of accepted.entries()) {
      const { message } = input
      const id = ids[index]
      stored.set(id, { id, ...values })
      // The inbox is the in-app channel: delivered the moment it is stored.
      deliveries.push({
        notification_id: id,
        channel_id: null,
        channel_kind: 'inapp',
        idempotency_key: idempotencyKeyFor(id, null, 'inapp'),
        status: 'sent',
        mode: 'now',
        attempts: 1,
        latency_ms: 0,
        send_at: at,
        delivered_at: at,
        created_at: at,
        updated_at: at,
      })
      const entry: CreatedNotification = {
        id,
        userId: input.userId,
        alertId: input.alertId ?? null,
        dueNow: 0,
        heldUntil: null,
      }
      created.push(entry)
      if (input.inAppOnly) continue

      const userChannels = (channels.get(input.userId) ?? []).filter(
        (channel) => channel.kind !== 'inapp'
      )
      const prefs = preferences.get(input.userId)!
      // A rule's own list (beyond "inapp", which every rule has by default and is always on) replaces the preference.
      const explicit = (input.ruleChannels ?? []).filter((kind) => kind !== 'inapp')
      const chosen = explicit.length ? resolveRuleChannels(explicit, userChannels) : null
      const everyChannel = planDeliveries({
        message: input.digestOnly ? { ...message, priority: 'low' } : message,
        preferences: {
          ...prefs,
          ...(chosen ? { types: { ...prefs.types, [message.type]: chosen } } : {}),
          ...(input.digestOnly
            ? { digestMinutes: prefs.digestMinutes ?? DIGEST_ONLY_MINUTES }
            : {}),
        },
        channels: userChannels,
        now,
      })
      const plan = input.digestOnly ? onlyDigests(everyChannel) : everyChannel
      for (const planned of plan.deliveries) {
        deliveries.push({
          notification_id: id,
          channel_id: planned.id,
          channel_kind: planned.kind,
          idempotency_key: idempotencyKeyFor(id, planned.id, planned.kind),
          status: 'queued',
          mode: planned.mode,
          attempts: 0,
          send_at: dbTime(trx, planned.sendAt),
          digest_key: planned.digestWindow
            ? `c${planned.id}:${planned.digestWindow.end.getTime()}`
            : null,
          created_at: at,
          updated_at: at,
        })
        if (planned.mode === 'now') entry.dueNow++
        else if (
          planned.mode === 'deferred' &&
          (!entry.heldUntil || planned.sendAt < entry.heldUntil)
        )
          entry.heldUntil = planned.sendAt
      }
      for (const skipped of plan.skipped) {
        if (skipped.reason.startsWith('escalation')) continue
        deliveries.push({
          notification_id: id,
          channel_id: skipped.id,
          channel_kind: skipped.kind,
          idempotency_key: idempotencyKeyFor(id, skipped.id, skipped.kind),
          status: 'skipped',
          mode: 'now',
          attempts: 0,
          last_error: skipped.reason,
          created_at: at,
          updated_at: at,
        })
      }
      if (plan.escalation) {
        escalations.push({
          notification_id: id,
          state: JSON.stringify(plan.escalation),
          due_at: dbTime(trx, new Date(now.getTime() + plan.escalation.afterMinutes * 60_000)),
          finished_at: null,
        })
      }
    }
    for (let index = 0; index < deliveries.length; index += 200) {
      await trx.table('notification_deliveries').insert(deliveries.slice(index, index + 200))
    }
    if (escalations.length) await trx.table('notification_escalations').insert(escalations)
    if (alertIds.length) {
      for (let index = 0; index < alertIds.length; index += 500) {
        await trx
          .from('alerts')
          .whereIn('id', alertIds.slice(index, index + 500))
          .whereNull('notified_at')
          .update({ notified_at: now })
      }
    }
  })

  await afterCommit(created, stored, now)
  if (options.inline)
    deliverInline(created.filter((entry) => entry.dueNow > 0).map((entry) => entry.id))
  return created
}

/**
 * The notification rows, in one multi-row INSERT … RETURNING per 200 where
 * the dialect returns ids (PostgreSQL, SQLite) and every row is an alert's
 * (the returned alert_id says which id is whose); one at a time otherwise.
 * Returns the ids in the order of `rows`.
 */
async function insertNotifications(
  trx: TransactionClientContract,
  rows: Array<{ values: Record<string, unknown> }>
): Promise<number[]> {
  const alertIds = rows.map((row) => row.values.alert_id)
  const batchable =
    trx.dialect.name !== 'mysql' &&
    rows.length > 1 &&
    alertIds.every((id) => typeof id === 'number') &&
    new Set(alertIds).size === alertIds.length
  if (!batchable) {
    const ids: number[] = []
    for (const row of rows) ids.push(await insertReturningId(trx, 'notifications', row.values))
    return ids
  }
  const byAlert = new Map<number, number>()
  for (let index = 0; index < rows.length; index += 200) {
    /** knex itself: Lucid drops RETURNING on SQLite, which has it since 3.35 */
    const inserted = await trx
      .knexQuery()
      .table('notifications')
      .insert(
        rows.slice(index, index + 200).map((row) => row.values),
        ['id', 'alert_id']
      )
    for (const row of inserted as Array<{ id: number; alert_id: number }>)
      byAlert.set(Number(row.alert_id), Number(row.id))
  }
  return alertIds.map((id) => byAlert.get(id as number)!)
}

/**
 * The fast path, for callers running in a worker (the alert outbox): once
 * the deliveries and their job are stored, this process also starts sending
 * them itself, up to INLINE_LIMIT at once, instead of waiting for a worker's
 * next poll of the queue. The claim makes the queued job a no-op for
 * deliveries already sent; a process that dies mid-send leaves them to the
 * job and the sweep (same idempotency keys). Never used inside a web request.
 */
const INLINE_LIMIT = 32
let inlineInFlight = 0
function deliverInline(notificationIds: number[]) {
  for (const id of notificationIds) {
    if (inlineInFlight >= INLINE_LIMIT) return
    inlineInFlight++
    deliverDue(id)
      .catch((error) =>
        logger.warn(
          { err: error, notificationId: id },
          'inline delivery failed; the queued job retries it'
        )
      )
      .finally(() => {
        inlineInFlight--
      })
  }
}

/** Live push to open pages, then the delivery jobs. */
async function afterCommit(
  created: CreatedNotification[],
  stored: Map<number, Record<string, unknown>>,
  now: Date
) {
  if (created.length === 0) return
  for (const entry of created) {
    const row = stored.get(entry.id)
    if (row)
      publishToUser(entry.userId, {
        kind: 'notification',
        notification: NotificationTransformer.row(row),
      })
  }
  const { default: DeliverNotification } = await deliverJob()
  const dueNow = created.filter((entry) => entry.dueNow > 0).map((entry) => entry.id)
  const batches: Array<{ notificationIds: number[] }> = []
  for (let index = 0; index < dueNow.length; index += JOB_BATCH)
    batches.push({ notificationIds: dueNow.slice(index, index + JOB_BATCH) })
  if (batches.length) await DeliverNotification.dispatchMany(batches)
  for (const entry of created) {
    if (entry.heldUntil) {
      await DeliverNotification.dispatch({ notificationId: entry.id }).in(
        Math.max(0, entry.heldUntil.getTime() - now.getTime())
      )
    }
  }
}

/** The message a stored notification renders as on every channel. */
export function messageFromRow(row: any): NotificationMessage {
  return {
    type: row.type as NotificationType,
    title: row.title,
    body: row.body,
    link: row.link ?? hdtickets.url,
    priority: row.priority,
    createdAt: (fromDbTime(row.created_at) ?? new Date()).toISOString(),
    notificationId: String(row.id),
    data: (parse(row.data) ?? {}) as any,
  }
}

// ---------------------------------------------------------------------------
// Delivery
// ---------------------------------------------------------------------------

export type DeliveryOutcome =
  | { outcome: 'sent'; deliveryId: number; providerId: string | null; latencyMs: number }
  | { outcome: 'retry'; deliveryId: number; delayMs: number; error: string }
  | { outcome: 'failed'; deliveryId: number; error: string }
  | { outcome: 'skipped'; deliveryId: number; reason: string }

/** Claims a due delivery (queued, or sending with a lapsed lease). True when this run owns it. */
async function claim(deliveryId: number, now: Date): Promise<boolean> {
  const client = db.connection()
  const updated = await client
    .from('notification_deliveries')
    .where('id', deliveryId)
    .where((query) => {
      query
        .where((queued) =>
          queued.where('status', 'queued').where('send_at', '<=', dbTime(client, now))
        )
        .orWhere((stale) =>
          stale
            .where('status', 'sending')
            .where('updated_at', '<', dbTime(client, new Date(now.getTime() - SENDING_LEASE_MS)))
        )
    })
    .update({ status: 'sending', updated_at: dbTime(client, now) })
  return affectedRows(updated) === 1
}

/** Delivers every due delivery of a notification (the DeliverNotification job). */
export async function deliverDue(
  notificationId: number,
  now = new Date()
): Promise<DeliveryOutcome[]> {
  const client = db.connection()
  const due = await client
    .from('notification_deliveries')
    .where('notification_id', notificationId)
    .whereIn('mode', ['now', 'deferred', 'escalation'])
    .where((query) => {
      query
        .where((queued) =>
          queued.where('status', 'queued').where('send_at', '<=', dbTime(client, now))
        )
        .orWhere((stale) =>
          stale
            .where('status', 'sending')
            .where('updated_at', '<', dbTime(client, new Date(now.getTime() - SENDING_LEASE_MS)))
        )
    })
    .select('id')
  const outcomes = await Promise.all(due.map((row) => deliverOne(Number(row.id), now)))
  return outcomes.filter((outcome): outcome is DeliveryOutcome => outcome !== null)
}

/** Sends one delivery if this run can claim it; null when another run has it or it is not due. */
export async function deliverOne(
  deliveryId: number,
  now = new Date()
): Promise<DeliveryOutcome | null> {
  if (!(await claim(deliveryId, now))) return null
  // One read for the delivery, its notification and its channel.
  const joined = await db
    .from('notification_deliveries as d')
    .leftJoin('notifications as n', 'n.id', 'd.notification_id')
    .leftJoin('notification_channels as c', 'c.id', 'd.channel_id')
    .where('d.id', deliveryId)
    .select(
      'd.id',
      'd.notification_id',
      'd.idempotency_key',
      'd.attempts',
      'n.id as n_id',
      'n.user_id as n_user_id',
      'n.alert_id as n_alert_id',
      'n.type as n_type',
      'n.title as n_title',
      'n.body as n_body',
      'n.link as n_link',
      'n.priority as n_priority',
      'n.data as n_data',
      'n.created_at as n_created_at',
      'c.id as c_id',
      'c.user_id as c_user_id',
      'c.kind as c_kind',
      'c.name as c_name',
      'c.encrypted_config as c_encrypted_config',
      'c.verified_at as c_verified_at',
      'c.disabled_at as c_disabled_at',
      'c.consecutive_failures as c_consecutive_failures',
      'c.failing_since as c_failing_since'
    )
    .first()
  const pick = (prefix: string): any =>
    joined[`${prefix}id`] === null || joined[`${prefix}id`] === undefined
      ? null
      : Object.fromEntries(
          Object.entries(joined)
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => [key.slice(prefix.length), value])
        )
  const delivery = joined
  const notification = pick('n_')
  const channel = pick('c_')
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

type AttemptResult =
  | { ok: true; providerId: string | null; latencyMs: number }
  | { ok: false; error: PermanentDeliveryError | TransientDeliveryError; latencyMs: number }

async function attempt(
  channel: any,
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
 * channel's failure run.
 */
async function recordResult(
  deliveries: any[],
  channel: any,
  result: AttemptResult,
  now: Date,
  notification?: any
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
    if (
      Number(channel.consecutive_failures) !== 0 ||
      channel.failing_since ||
      !channel.verified_at
    ) {
      await client
        .from('notification_channels')
        .where('id', channel.id)
        .update({
          consecutive_failures: 0,
          failing_since: null,
          verified_at: channel.verified_at ?? at,
        })
    }
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
  const failures = Number(channel.consecutive_failures) + 1
  const failingSince = fromDbTime(channel.failing_since) ?? now
  await client
    .from('notification_channels')
    .where('id', channel.id)
    .update({ consecutive_failures: failures, failing_since: dbTime(client, failingSince) })

  let outcome: DeliveryOutcome
  if (error instanceof TransientDeliveryError) {
    const delayMs = retryDelayMs(attempts, {
      schedule: retrySchedule(channel.kind),
      retryAfterMs: error.retryAfterMs,
    })
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
  } else {
    await client
      .from('notification_deliveries')
      .whereIn('id', ids)
      .update({ status: 'failed', attempts, last_error: errorText, updated_at: at })
    outcome = { outcome: 'failed', deliveryId: ids[0], error: errorText! }
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
  const { webhooks } = notificationsConfig
  if (
    shouldDisable(failures, {
      threshold: webhooks.disableAfterFailures,
      failingSince,
      now,
      minFailingMs: webhooks.minFailingMs,
    })
  ) {
    await disableChannel(
      channel,
      `Disabled after ${failures} failed deliveries in a row: ${error.message}`.slice(0, 500),
      now
    )
  }
  return outcome
}

/** Disables a channel (once) and tells its owner in-app. */
export async function disableChannel(channel: any, reason: string, now: Date) {
  const client = db.connection()
  const updated = await client
    .from('notification_channels')
    .where('id', channel.id)
    .whereNull('disabled_at')
    .update({ disabled_at: dbTime(client, now), disabled_reason: reason })
  if (affectedRows(updated) !== 1) return
  await tellOwner(
    channel,
    `Notifications to "${channel.name}" (${channel.kind}) are switched off: ${reason}`,
    'Check the settings under Settings → Notifications, then re-enable or replace the channel',
    now
  )
}

/** A push subscription the service says is gone: removed, owner told. */
async function removeChannel(channel: any, reason: string, now: Date) {
  await db.from('notification_channels').where('id', channel.id).delete()
  await tellOwner(
    channel,
    `Removed the ${channel.kind} channel "${channel.name}": ${reason}`,
    'Subscribe this browser again under Settings → Notifications',
    now
  )
}

async function tellOwner(channel: any, issue: string, action: string, now: Date) {
  const message = buildAccountIssue(
    { platform: 'HDTickets', issue, action },
    { appUrl: hdtickets.url, now, path: '/settings/notifications' }
  )
  message.title = `Action needed: notification channel "${channel.name}"`
  await createNotifications([{ userId: channel.user_id, message, inAppOnly: true }], { now })
}

// ---------------------------------------------------------------------------
// Digests, escalation, sweep (scheduled)
// ---------------------------------------------------------------------------

/** Sends every digest whose window has closed: one message per (channel, window). */
export async function sendDigests(now = new Date()): Promise<{ digests: number; items: number }> {
  const client = db.connection()
  const keys = await client
    .from('notification_deliveries')
    .where('mode', 'digest')
    .where('status', 'queued')
    .where('send_at', '<=', dbTime(client, now))
    .distinct('digest_key')
  let digests = 0
  let items = 0
  for (const { digest_key: digestKey } of keys) {
    const claimed = await client
      .from('notification_deliveries')
      .where('digest_key', digestKey)
      .where('status', 'queued')
      .where('send_at', '<=', dbTime(client, now))
      .update({ status: 'sending', updated_at: dbTime(client, now) })
    if (affectedRows(claimed) === 0) continue
    const rows = await client
      .from('notification_deliveries')
      .where('digest_key', digestKey)
      .where('status', 'sending')
    const channel = await client
      .from('notification_channels')
      .where('id', rows[0].channel_id)
      .first()
    const at = dbTime(client, now)
    if (!channel || channel.disabled_at) {
      await client
        .from('notification_deliveries')
        .whereIn(
          'id',
          rows.map((row) => row.id)
        )
        .update({
          status: 'skipped',
          last_error: channel ? 'channel disabled' : 'channel removed',
          updated_at: at,
        })
      continue
    }
    const notifications = await client
      .from('notifications')
      .whereIn(
        'id',
        rows.map((row) => row.notification_id)
      )
      .orderBy('id')
    const message = buildDigest(notifications.map(messageFromRow), { appUrl: hdtickets.url, now })!
    const result = await attempt(channel, message, `digest:${digestKey}`, now)
    await recordResult(rows, channel, result, now)
    digests++
    items += rows.length
  }
  return { digests, items }
}

/** Moves unacknowledged high-priority notifications to the next channel of their chain. */
export async function runEscalations(
  now = new Date()
): Promise<{ escalated: number; stopped: number }> {
  const client = db.connection()
  const due = await client
    .from('notification_escalations')
    .join('notifications', 'notifications.id', 'notification_escalations.notification_id')
    .leftJoin('alerts', 'alerts.id', 'notifications.alert_id')
    .whereNull('notification_escalations.finished_at')
    .where('notification_escalations.due_at', '<=', dbTime(client, now))
    .select(
      'notification_escalations.*',
      'notifications.read_at',
      'alerts.acknowledged_at',
      'alerts.snoozed_until'
    )
  let escalated = 0
  let stopped = 0
  const { default: DeliverNotification } = await deliverJob()
  for (const row of due) {
    const raw = parse(row.state)
    const acknowledgedAt =
      fromDbTime(row.read_at) ?? fromDbTime(row.acknowledged_at) ?? (row.snoozed_until ? now : null)
    const state: EscalationState = { ...raw, lastSentAt: new Date(raw.lastSentAt), acknowledgedAt }
    const decision = nextEscalation(state, now)
    if (decision.action === 'stop') {
      await client
        .from('notification_escalations')
        .where('id', row.id)
        .update({ finished_at: dbTime(client, now) })
      stopped++
    } else if (decision.action === 'wait') {
      await client
        .from('notification_escalations')
        .where('id', row.id)
        .update({ due_at: dbTime(client, decision.until) })
    } else {
      const at = dbTime(client, now)
      await db.transaction(async (trx: TransactionClientContract) => {
        await trx
          .table('notification_deliveries')
          .insert({
            notification_id: row.notification_id,
            channel_id: decision.channel.id,
            channel_kind: decision.channel.kind,
            idempotency_key: `${idempotencyKeyFor(row.notification_id, decision.channel.id, decision.channel.kind)}:e${decision.step}`,
            status: 'queued',
            mode: 'escalation',
            attempts: 0,
            send_at: at,
            created_at: at,
            updated_at: at,
          })
          .onConflict('idempotency_key')
          .ignore()
        await trx
          .from('notification_escalations')
          .where('id', row.id)
          .update({
            state: JSON.stringify(decision.state),
            due_at: dbTime(trx, new Date(now.getTime() + decision.state.afterMinutes * 60_000)),
          })
      })
      await DeliverNotification.dispatch({ notificationId: Number(row.notification_id) })
      escalated++
    }
  }
  return { escalated, stopped }
}

/**
 * Repairs what a killed worker left: alerts stored without their
 * notification, deliveries due for a while with no job on them, and sends
 * whose lease lapsed. Runs every minute (and in the embedded tick).
 */
export async function sweepNotifications(
  now = new Date(),
  graceMs = 30_000
): Promise<{ alerts: number; requeued: number }> {
  const { notifyPendingAlerts } = await alertNotifications()
  const alerts = await notifyPendingAlerts({ olderThan: new Date(now.getTime() - graceMs), now })
  const client = db.connection()
  const stuck = await client
    .from('notification_deliveries')
    .whereIn('mode', ['now', 'deferred', 'escalation'])
    .where((query) => {
      query
        .where((queued) =>
          queued
            .where('status', 'queued')
            .where('send_at', '<=', dbTime(client, new Date(now.getTime() - graceMs)))
        )
        .orWhere((stale) =>
          stale
            .where('status', 'sending')
            .where('updated_at', '<', dbTime(client, new Date(now.getTime() - SENDING_LEASE_MS)))
        )
    })
    .limit(1000)
    .distinct('notification_id')
  if (stuck.length) {
    const { default: DeliverNotification } = await deliverJob()
    const ids = stuck.map((row) => Number(row.notification_id))
    const batches: Array<{ notificationIds: number[] }> = []
    for (let index = 0; index < ids.length; index += JOB_BATCH)
      batches.push({ notificationIds: ids.slice(index, index + JOB_BATCH) })
    await DeliverNotification.dispatchMany(batches)
  }
  return { alerts, requeued: stuck.length }
}
