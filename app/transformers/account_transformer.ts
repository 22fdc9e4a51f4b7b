import type Account from '#models/account'

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
}
