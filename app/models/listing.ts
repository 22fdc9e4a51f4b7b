import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { booleanColumn, jsonColumn } from '#models/columns'
import Event from '#models/event'
import EventSource from '#models/event_source'

/** What is on sale now. Its history is in listing_changes. */
export default class Listing extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare eventSourceId: number

  @column()
  declare eventId: number

  @column()
  declare externalId: string

  @column()
  declare section: string | null

  @column()
  declare row: string | null

  @column()
  declare quantity: number

  @jsonColumn()
  declare splits: number[] | null

  @column()
  declare priceMinor: number | null

  @column()
  declare priceWithFeesMinor: number | null

  /** Per order, when the platform states it */
  @column()
  declare deliveryFeeMinor: number | null

  @column()
  declare deliveryMethod: string | null

  @column()
  declare currency: string

  @column()
  declare format: string | null

  @booleanColumn()
  declare inHand: boolean | null

  @column.date()
  declare inHandOn: DateTime | null

  @column()
  declare notes: string | null

  @column()
  declare status: 'available' | 'gone'

  @column.dateTime()
  declare firstSeenAt: DateTime

  @column.dateTime()
  declare lastChangedAt: DateTime

  @belongsTo(() => Event)
  declare event: BelongsTo<typeof Event>

  @belongsTo(() => EventSource)
  declare source: BelongsTo<typeof EventSource>
}
