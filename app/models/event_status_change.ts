import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export default class EventStatusChange extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare eventId: number

  @column()
  declare eventSourceId: number | null

  @column()
  declare fromStatus: string | null

  @column()
  declare toStatus: string

  @column.dateTime()
  declare observedAt: DateTime
}
