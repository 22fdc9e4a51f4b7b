/**
 * Stored notifications, deliveries and channels as the delivery code reads
 * them (raw rows: numbers may come back as strings, times as text or Date,
 * depending on the dialect), and the message a stored notification renders as.
 */
import type { ChannelKind } from '#models/notification_channel'
import type { NotificationType } from '#models/notification'
import { hdtickets } from '#config/app'
import type { NotificationMessage, Priority } from '#notifications/message'
import { fromDbTime } from '#purchasing/sql'

type DbNumber = number | string
type DbTime = Date | string | number | null

export interface NotificationRow {
  id: DbNumber
  user_id: number
  alert_id: DbNumber | null
  type: NotificationType
  title: string
  body: string
  link: string | null
  priority: Priority
  data: unknown
  created_at: DbTime
}

export interface DeliveryRow {
  id: DbNumber
  notification_id: DbNumber
  idempotency_key: string
  attempts: DbNumber
}

export interface ChannelRow {
  id: number
  user_id: number
  kind: ChannelKind
  name: string
  encrypted_config: string
  verified_at: DbTime
  disabled_at: DbTime
  consecutive_failures: DbNumber
  failing_since: DbTime
}

/** A JSON column: text on SQLite and MySQL, parsed already on PostgreSQL. */
export const parseJson = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value)

/** The message a stored notification renders as on every channel. */
export function messageFromRow(row: NotificationRow): NotificationMessage {
  return {
    type: row.type,
    title: row.title,
    body: row.body,
    link: row.link ?? hdtickets.url,
    priority: row.priority,
    createdAt: (fromDbTime(row.created_at) ?? new Date()).toISOString(),
    notificationId: String(row.id),
    data: (parseJson(row.data) ?? {}) as NotificationMessage['data'],
  }
}
