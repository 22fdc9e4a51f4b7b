import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#models/user'
import Event from '#models/event'

export const PURCHASE_STATUSES = [
  'draft',
  'pending_approval',
  'approved',
  'executing',
  'succeeded',
  'failed',
  'cancelled',
  'expired',
] as const
export type PurchaseStatus = (typeof PURCHASE_STATUSES)[number]

export default class PurchaseRequest extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column()
  declare watchRuleId: number | null

  @column()
  declare alertId: number | null

  @column()
  declare eventId: number

  @column()
  declare listingId: number | null

  @column()
  declare platformId: number

  @column()
  declare accountId: number | null

  @column()
  declare quantity: number

  @column()
  declare maxPriceMinor: number

  @column()
  declare currency: string

  @column()
  declare status: PurchaseStatus

  @column()
  declare idempotencyKey: string

  @column()
  declare approvedBy: number | null

  @column.dateTime()
  declare approvedAt: DateTime | null

  @column()
  declare reason: string | null

  @column()
  declare attempts: number

  @column.dateTime()
  declare expiresAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  @belongsTo(() => Event)
  declare event: BelongsTo<typeof Event>
}
