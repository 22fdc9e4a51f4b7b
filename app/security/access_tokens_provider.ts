/**
 * @adonisjs/auth's database token provider, with two changes to `verify`:
 * the secret is checked before anything is written (the stock provider
 * stamps `last_used_at` first, so a request with a valid token id and a
 * wrong secret still writes), and `last_used_at` is written at most once a
 * minute per token instead of on every request — on SQLite that write was
 * one of the five trips each API request made through the single connection.
 */
import { AccessToken, DbAccessTokensProvider } from '@adonisjs/auth/access_tokens'
import type { Secret } from '@adonisjs/core/helpers'
import type { LucidModel } from '@adonisjs/lucid/types/model'

export const LAST_USED_RESOLUTION_MS = 60_000

export class ThrottledAccessTokensProvider<
  TokenableModel extends LucidModel,
> extends DbAccessTokensProvider<TokenableModel> {
  async verify(tokenValue: Secret<string>) {
    const decoded = AccessToken.decode(this.prefix, tokenValue.release())
    if (!decoded) return null
    const db = await this.getDb()
    const row = await db
      .query()
      .from(this.table)
      .where({ id: decoded.identifier, type: this.type })
      .limit(1)
      .first()
    if (!row) return null
    const token = this.dbRowToAccessToken(row)
    if (!token.verify(decoded.secret) || token.isExpired()) return null
    const now = new Date()
    if (
      !token.lastUsedAt ||
      now.getTime() - token.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS
    ) {
      await db.from(this.table).where({ id: row.id, type: row.type }).update({ last_used_at: now })
      token.lastUsedAt = now
    }
    return token
  }
}
