/**
 * A user's in-app notification centre: the list (newest first, cursor by
 * id), the unread count, mark read / all read, snooze. Every query starts
 * from the owner; changes are pushed to the user's open pages.
 */
import db from '@adonisjs/lucid/services/db'
import { apiErrors } from '#exceptions/catalogue'
import NotificationTransformer from '#transformers/notification_transformer'
import { publishToUser } from '#monitoring/live_feed'
import { affectedRows, dbTime } from '#purchasing/sql'

export async function listNotifications(
  userId: number,
  options: { before?: number; limit?: number; unread?: boolean } = {}
) {
  const limit = Math.min(options.limit ?? 50, 200)
  const query = db
    .from('notifications')
    .where('user_id', userId)
    .orderBy('id', 'desc')
    .limit(limit + 1)
  if (options.before) query.where('id', '<', options.before)
  if (options.unread) query.whereNull('read_at')
  const rows = await query
  const page = rows.slice(0, limit)
  return {
    notifications: await withDeliveries(page.map((row) => NotificationTransformer.row(row))),
    nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null,
  }
}

/** Each notification with its deliveries (one per channel: status, attempts, when it was delivered). */
export async function withDeliveries<T extends { id: number }>(notifications: T[]) {
  const deliveries = notifications.length
    ? await db
        .from('notification_deliveries')
        .leftJoin(
          'notification_channels',
          'notification_channels.id',
          'notification_deliveries.channel_id'
        )
        .whereIn(
          'notification_id',
          notifications.map((row) => row.id)
        )
        .orderBy('notification_deliveries.id')
        .select('notification_deliveries.*', 'notification_channels.name as channel_name')
    : []
  return notifications.map((notification) => ({
    ...notification,
    deliveries: deliveries
      .filter((delivery) => Number(delivery.notification_id) === notification.id)
      .map(NotificationTransformer.delivery),
  }))
}

export async function unreadCount(userId: number): Promise<number> {
  const row = await db
    .from('notifications')
    .where('user_id', userId)
    .whereNull('read_at')
    .count('* as total')
    .first()
  return Number(row?.total ?? 0)
}

async function announce(userId: number) {
  publishToUser(userId, { kind: 'notifications.unread', unread: await unreadCount(userId) })
}

export async function markRead(userId: number, id: number, now = new Date()) {
  const exists = await db.from('notifications').where({ id, user_id: userId }).first()
  if (!exists) throw new apiErrors.E_NOT_FOUND('No such notification')
  await db
    .from('notifications')
    .where({ id, user_id: userId })
    .whereNull('read_at')
    .update({ read_at: dbTime(db.connection(), now) })
  await announce(userId)
}

export async function markAllRead(userId: number, now = new Date()): Promise<number> {
  const updated = await db
    .from('notifications')
    .where('user_id', userId)
    .whereNull('read_at')
    .update({ read_at: dbTime(db.connection(), now) })
  await announce(userId)
  return affectedRows(updated)
}

/** Snooze from a push action or the centre: snoozes the alert behind it (stops escalation) and marks it read. */
export async function snoozeNotification(
  userId: number,
  id: number,
  minutes: number,
  now = new Date()
) {
  const row = await db.from('notifications').where({ id, user_id: userId }).first()
  if (!row) throw new apiErrors.E_NOT_FOUND('No such notification')
  const until = new Date(now.getTime() + minutes * 60_000)
  if (row.alert_id)
    await db
      .from('alerts')
      .where({ id: row.alert_id, user_id: userId })
      .update({ snoozed_until: until })
  await markRead(userId, id, now)
  return until
}

/** Receipts for alerts: when each channel delivered each alert's notification. */
export async function alertReceipts(alertIds: number[]) {
  const receipts = new Map<number, ReturnType<typeof NotificationTransformer.delivery>[]>()
  if (alertIds.length === 0) return receipts
  const rows = await db
    .from('notification_deliveries')
    .join('notifications', 'notifications.id', 'notification_deliveries.notification_id')
    .leftJoin(
      'notification_channels',
      'notification_channels.id',
      'notification_deliveries.channel_id'
    )
    .whereIn('notifications.alert_id', alertIds)
    .orderBy('notification_deliveries.id')
    .select(
      'notification_deliveries.*',
      'notifications.alert_id',
      'notification_channels.name as channel_name'
    )
  for (const row of rows) {
    const list = receipts.get(Number(row.alert_id)) ?? []
    list.push(NotificationTransformer.delivery(row))
    receipts.set(Number(row.alert_id), list)
  }
  return receipts
}
