import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { booleanColumn } from '#models/columns'
import Event from '#models/event'
import Platform from '#models/platform'

export type SourceState = 'active' | 'paused' | 'blocked' | 'gone'

/** Where an event is sold: one platform's id and URL for it, and its check state. */
export default class EventSource extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare eventId: number

  @column()
  declare platformId: number

  @column()
  declare externalId: string

  @column()
  declare url: string | null

  @column()
  declare state: SourceState

  @column()
  declare stateReason: string | null

  @column.dateTime()
  declare nextCheckAt: DateTime | null

  @column.dateTime()
  declare lastCheckedAt: DateTime | null

  @column.dateTime()
  declare lastSuccessAt: DateTime | null

  @column()
  declare lastError: string | null

  @column()
  declare consecutiveFailures: number

  @column()
  declare minPriceMinor: number | null

  @column()
  declare maxPriceMinor: number | null

  @column()
  declare currency: string | null

  @booleanColumn()
  declare feesIncluded: boolean | null

  @column()
  declare listingCount: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @belongsTo(() => Event)
  declare event: BelongsTo<typeof Event>

  @belongsTo(() => Platform)
  declare platform: BelongsTo<typeof Platform>
}
