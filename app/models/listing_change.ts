import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export type ListingChangeKind = 'appeared' | 'price_changed' | 'quantity_changed' | 'gone'

/** Change-only history: an unchanged check writes no row. */
export default class ListingChange extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare listingId: number

  @column()
  declare eventId: number

  @column()
  declare eventSourceId: number

  @column()
  declare kind: ListingChangeKind

  @column()
  declare oldPriceMinor: number | null

  @column()
  declare newPriceMinor: number | null

  @column()
  declare oldQuantity: number | null

  @column()
  declare newQuantity: number | null

  @column()
  declare currency: string

  @column.dateTime()
  declare observedAt: DateTime
}
