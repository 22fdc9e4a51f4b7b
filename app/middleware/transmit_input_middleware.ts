import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { apiErrors } from '#exceptions/catalogue'

/**
 * Transmit's own routes (`/__transmit/events`, `/subscribe`, `/unsubscribe`)
 * read `uid` (and `channel`) without checking them: a missing one ended in a
 * 500. Here they are required, once, as short text — else a 400 naming them
 * (E_BAD_REQUEST: a call the Transmit client makes, not a form to correct).
 */
export default class TransmitInputMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    const fields = ctx.request.url().endsWith('/events') ? ['uid'] : ['uid', 'channel']
    for (const field of fields) {
      const value = ctx.request.input(field)
      if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
        throw new apiErrors.E_BAD_REQUEST(
          `"${field}" is required, as text of at most 200 characters`,
          field
        )
      }
    }
    return next()
  }
}
