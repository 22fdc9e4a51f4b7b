import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { jsonColumn } from '#models/columns'
import User from '#models/user'
import Event from '#models/event'

export default class Alert extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column()
  declare watchRuleId: number | null

  @column()
  declare eventId: number | null

  @column()
  declare listingId: number | null

  @column()
  declare type: 'ticket_available' | 'price_alert' | 'system_alert'

  @column()
  declare condition: string

  @column({ serializeAs: null })
  declare dedupeKey: string

  @column()
  declare priceMinor: number | null

  @column()
  declare currency: string | null

  @jsonColumn()
  declare reason: Record<string, unknown>

  @column.dateTime()
  declare detectedAt: DateTime

  @column.dateTime()
  declare acknowledgedAt: DateTime | null

  @column.dateTime()
  declare snoozedUntil: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  @belongsTo(() => Event)
  declare event: BelongsTo<typeof Event>
}
