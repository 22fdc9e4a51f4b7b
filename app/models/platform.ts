import { DateTime } from 'luxon'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import { booleanColumn, jsonColumn, secretColumn } from '#models/columns'
import EventSource from '#models/event_source'

export interface PlatformCapabilities {
  discover: boolean
  market: boolean
  checkout: boolean
  listings: boolean
}

export default class Platform extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare slug: string

  @column()
  declare name: string

  @column()
  declare baseUrl: string

  @jsonColumn()
  declare apiEndpoints: Record<string, string>

  @jsonColumn()
  declare scraperConfig: Record<string, unknown>

  @jsonColumn()
  declare capabilities: PlatformCapabilities

  @column()
  declare requestsPerSecond: number

  @column()
  declare requestsPerDay: number | null

  @column()
  declare maxTicketsPerOrder: number | null

  @booleanColumn()
  declare enabled: boolean

  /** Set by the dispatcher: stretches (> 1) or shrinks this platform's check intervals to fit its quota */
  @column()
  declare intervalScale: number

  @secretColumn()
  declare encryptedCredentials: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @hasMany(() => EventSource)
  declare sources: HasMany<typeof EventSource>
}
