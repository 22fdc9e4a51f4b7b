import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { jsonColumn } from '#models/columns'

export const NOTIFICATION_TYPES = [
  'ticket_available',
  'price_alert',
  'purchase_success',
  'purchase_failed',
  'account_issue',
  'system_alert',
] as const
export type NotificationType = (typeof NOTIFICATION_TYPES)[number]

export default class Notification extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column()
  declare alertId: number | null

  @column()
  declare type: NotificationType

  @column()
  declare title: string

  @column()
  declare body: string

  @column()
  declare link: string | null

  @column()
  declare priority: 'low' | 'normal' | 'high'

  @jsonColumn()
  declare data: Record<string, unknown> | null

  @column.dateTime()
  declare readAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
