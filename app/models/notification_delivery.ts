import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export default class NotificationDelivery extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare notificationId: number

  @column()
  declare channelId: number | null

  @column()
  declare channelKind: string

  @column()
  declare idempotencyKey: string

  @column()
  declare status: 'queued' | 'sent' | 'failed' | 'skipped'

  @column()
  declare attempts: number

  @column()
  declare providerId: string | null

  @column()
  declare lastError: string | null

  @column()
  declare latencyMs: number | null

  @column.dateTime()
  declare deliveredAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null
}
