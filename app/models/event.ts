import { DateTime } from 'luxon'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import { booleanColumn } from '#models/columns'
import EventSource from '#models/event_source'
import Listing from '#models/listing'

export const EVENT_STATUSES = [
  'scheduled',
  'onsale',
  'offsale',
  'cancelled',
  'postponed',
  'rescheduled',
  'ended',
] as const
export type EventStatus = (typeof EVENT_STATUSES)[number]

export default class Event extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare name: string

  @column()
  declare sport: string | null

  @column()
  declare league: string | null

  @column()
  declare homeTeam: string | null

  @column()
  declare awayTeam: string | null

  @column()
  declare venue: string | null

  @column()
  declare city: string | null

  @column()
  declare country: string | null

  @column.dateTime()
  declare startsAt: DateTime | null

  @column()
  declare timezone: string | null

  @booleanColumn()
  declare dateTbd: boolean

  @column()
  declare status: EventStatus

  @column.dateTime()
  declare onsaleAt: DateTime | null

  @column.dateTime()
  declare offsaleAt: DateTime | null

  @column.dateTime()
  declare presaleAt: DateTime | null

  @column()
  declare importance: number

  @column()
  declare fingerprint: string | null

  @column.dateTime()
  declare archivedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @hasMany(() => EventSource)
  declare sources: HasMany<typeof EventSource>

  @hasMany(() => Listing)
  declare listings: HasMany<typeof Listing>
}
