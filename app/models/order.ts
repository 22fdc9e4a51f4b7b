import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export default class Order extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare purchaseRequestId: number | null

  @column()
  declare userId: number

  @column()
  declare platformId: number

  @column()
  declare accountId: number | null

  @column()
  declare eventId: number | null

  @column()
  declare externalOrderId: string | null

  @column()
  declare idempotencyKey: string

  @column()
  declare status: string

  @column()
  declare quantity: number

  @column()
  declare unitPriceMinor: number

  @column()
  declare feesMinor: number

  @column()
  declare totalMinor: number

  @column()
  declare currency: string

  @column()
  declare source: 'api' | 'manual'

  @column()
  declare paymentReference: string | null

  @column.dateTime()
  declare placedAt: DateTime

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null
}
