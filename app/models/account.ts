import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { secretColumn } from '#models/columns'
import User from '#models/user'
import Platform from '#models/platform'

export type AccountStatus = 'unchecked' | 'ok' | 'rejected' | 'error' | 'no_credentials'

/**
 * A user's linked account on one platform (at most one per platform).
 * `encryptedCredentials` is AES-256-GCM ciphertext, never serialised.
 */
export default class Account extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column()
  declare platformId: number

  @column()
  declare username: string

  @secretColumn()
  declare encryptedCredentials: string

  @column()
  declare status: AccountStatus

  @column()
  declare lastError: string | null

  @column.dateTime()
  declare lastCheck: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  @belongsTo(() => Platform)
  declare platform: BelongsTo<typeof Platform>
}
