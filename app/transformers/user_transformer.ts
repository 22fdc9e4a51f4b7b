import { DEFAULT_PRICE_MODE } from '#analytics/fees'
import type User from '#models/user'

/**
 * The user as pages and the API see it: a whitelist (never the password hash).
 */
export default class UserTransformer {
  static toJSON(user: User) {
    return {
      id: user.id,
      email: user.email,
      fullName: user.fullName,
      role: user.role,
      timezone: user.timezone,
      /** How prices are shown and compared: all-in (fees, tax, delivery) or before fees */
      priceMode: user.priceMode ?? DEFAULT_PRICE_MODE,
      disabled: user.disabledAt !== null && user.disabledAt !== undefined,
      createdAt: user.createdAt?.toUTC().toISO() ?? null,
    }
  }
}
