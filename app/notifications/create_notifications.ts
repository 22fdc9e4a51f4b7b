/**
 * A batch of notifications stored in one transaction: the in-app
 * notification row, one `notification_deliveries` row per (notification,
 * channel) with its idempotency key and due time (delivery_plan.ts: the
 * user's preferences, quiet hours in their time zone, digests, escalation),
 * the escalation state, and `alerts.notified_at` for an alert's
 * notification. After commit: pushed live (users/<id>), and
 * `notification:due` / `notification:held` emitted (their listener queues
 * the DeliverNotification jobs). An alert that already has its notification
 * is skipped (the unique alert_id), so a sweep or a retried outbox row never
 * notifies twice.
 */
import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import logger from '@adonisjs/core/services/logger'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { idempotencyKeyFor } from '#notifications/channels/contract'
import type { NotificationMessage } from '#notifications/message'
import { planDeliveries } from '#notifications/delivery_plan'
import {
  DEFAULT_PREFERENCES,
  type NotificationPreferences,
  type UserChannel,
} from '#notifications/preferences'
import { parseJson } from '#notifications/notification_rows'
import { deliverDue } from '#notifications/delivery'
import { dbTime, insertReturningId } from '#purchasing/sql'
import { publishToUser } from '#monitoring/live_feed'
import NotificationTransformer from '#transformers/notification_transformer'

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
      preferences.set(row.user_id, {
        ...base,
        ...parseJson(row.preferences),
        timeZone: base.timeZone,
      })
  }
  const channels = new Map<number, UserChannel[]>()
  for (const row of channelRows) {
    const list = channels.get(row.user_id) ?? []
    list.push({ id: Number(row.id), kind: row.kind, active: row.disabled_at === null })
    channels.set(row.user_id, list)
  }
  return { preferences, channels }
}

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

/**
 * Stores a batch of notifications with their deliveries in one transaction,
 * then pushes them live and emits the events that queue their delivery.
 * `inline`: this process (a worker) also starts sending at once.
 */
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

/** Live push to open pages, then the events that queue the delivery jobs. */
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
  const dueNow = created.filter((entry) => entry.dueNow > 0).map((entry) => entry.id)
  if (dueNow.length) await emitter.emit('notification:due', { notificationIds: dueNow })
  for (const entry of created) {
    if (entry.heldUntil)
      await emitter.emit('notification:held', {
        notificationId: entry.id,
        until: entry.heldUntil,
        now,
      })
  }
}
