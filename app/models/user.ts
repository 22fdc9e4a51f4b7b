import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import { compose } from '@adonisjs/core/helpers'
import type { PriceMode } from '#analytics/fees'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import { withAuthFinder } from '@adonisjs/auth/mixins/lucid'
import { ThrottledAccessTokensProvider } from '#security/access_tokens_provider'
import Account from '#models/account'
import WatchRule from '#models/watch_rule'
import Alert from '#models/alert'
import Notification from '#models/notification'
import NotificationChannel from '#models/notification_channel'
import PurchaseRequest from '#models/purchase_request'
import Order from '#models/order'

export const ROLES = ['admin', 'manager', 'member', 'viewer'] as const
export type Role = (typeof ROLES)[number]

const AuthFinder = withAuthFinder(() => hash.use('scrypt'), {
  uids: ['email'],
  passwordColumnName: 'password',
})

export default class User extends compose(BaseModel, AuthFinder) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare email: string

  @column({ serializeAs: null })
  declare password: string

  @column()
  declare fullName: string | null

  @column()
  declare role: Role

  @column()
  declare timezone: string

  /** Prices shown and compared all-in (fees, tax, delivery) or before fees */
  @column()
  declare priceMode: PriceMode

  @column.dateTime()
  declare disabledAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @hasMany(() => Account)
  declare accounts: HasMany<typeof Account>

  @hasMany(() => WatchRule)
  declare watchRules: HasMany<typeof WatchRule>

  @hasMany(() => Alert)
  declare alerts: HasMany<typeof Alert>

  @hasMany(() => Notification)
  declare notifications: HasMany<typeof Notification>

  @hasMany(() => NotificationChannel)
  declare notificationChannels: HasMany<typeof NotificationChannel>

  @hasMany(() => PurchaseRequest)
  declare purchaseRequests: HasMany<typeof PurchaseRequest>

  @hasMany(() => Order)
  declare orders: HasMany<typeof Order>

  static accessTokens = new ThrottledAccessTokensProvider({
    tokenableModel: User,
    expiresIn: '365 days',
    prefix: 'hdt_',
    table: 'auth_access_tokens',
    type: 'api_token',
    tokenSecretLength: 40,
  })

  get isAdmin() {
    return this.role === 'admin'
  }

  /** admin > manager > member > viewer */
  hasRoleAtLeast(role: Role) {
    return ROLES.indexOf(this.role) <= ROLES.indexOf(role)
  }
}
