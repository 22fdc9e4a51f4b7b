import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { booleanColumn, jsonColumn } from '#models/columns'
import User from '#models/user'
import Event from '#models/event'

export interface WatchRuleFilters {
  team?: string
  league?: string
  venue?: string
  from?: string
  to?: string
  platforms?: string[]
}

export interface WatchRuleTrigger {
  kind: string
  [parameter: string]: unknown
}

export default class WatchRule extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column()
  declare name: string

  @column()
  declare eventId: number | null

  @jsonColumn()
  declare filters: WatchRuleFilters

  @column()
  declare maxPriceMinor: number | null

  @column()
  declare currency: string | null

  @booleanColumn()
  declare includeFees: boolean

  @column()
  declare minQuantity: number

  @jsonColumn()
  declare sections: string[]

  @jsonColumn()
  declare triggers: WatchRuleTrigger[]

  @column()
  declare hysteresisMinor: number

  @column()
  declare cooldownSeconds: number

  /** Listings scored below this (0–100) never alert; null: any deal */
  @column()
  declare minDealScore: number | null

  /** At most this many alerts an hour; further matches fold into the latest one. null: no cap */
  @column()
  declare maxAlertsPerHour: number | null

  @jsonColumn()
  declare channels: Array<number | string>

  @column()
  declare importance: number

  @booleanColumn()
  declare autoPurchase: boolean

  @booleanColumn()
  declare enabled: boolean

  /** Discovery searches the platforms for this rule's team, league or venue (app/monitoring/follow_discovery.ts) */
  @booleanColumn()
  declare follow: boolean

  @column.dateTime()
  declare lastDiscoveredAt: DateTime | null

  @column()
  declare discoveredEvents: number

  @column()
  declare lastDiscoveryError: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  @belongsTo(() => Event)
  declare event: BelongsTo<typeof Event>
}
