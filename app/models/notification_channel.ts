import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { secretColumn } from '#models/columns'

export type ChannelKind = 'email' | 'sms' | 'webpush' | 'webhook' | 'slack' | 'discord' | 'inapp'

export default class NotificationChannel extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column()
  declare kind: ChannelKind

  @column()
  declare name: string

  @secretColumn()
  declare encryptedConfig: string

  @column.dateTime()
  declare verifiedAt: DateTime | null

  @column.dateTime()
  declare disabledAt: DateTime | null

  @column()
  declare disabledReason: string | null

  @column()
  declare consecutiveFailures: number

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null
}
