import type Account from '#models/account'
import { isoTime } from '#purchasing/sql'

/** A linked account as pages and the API see it: never its credentials. */
export default class AccountTransformer {
  static toJSON(account: Account) {
    return {
      id: account.id,
      platform: account.platform?.slug ?? null,
      platformName: account.platform?.name ?? null,
      username: account.username,
      status: account.status,
      lastError: account.lastError,
      lastCheck: account.lastCheck?.toUTC().toISO() ?? null,
      createdAt: account.createdAt?.toUTC().toISO() ?? null,
    }
  }

  /** The same from a query-builder row joined with `platforms.slug as platform_slug, platforms.name as platform_name`. */
  static row(row: any) {
    const iso = isoTime
    return {
      id: Number(row.id),
      platform: row.platform_slug ?? null,
      platformName: row.platform_name ?? null,
      username: row.username,
      status: row.status,
      lastError: row.last_error ?? null,
      lastCheck: iso(row.last_check),
      createdAt: iso(row.created_at),
    }
  }
}
