import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { Role } from '#models/user'
import { apiErrors } from '#exceptions/catalogue'

/**
 * Route-level role floor (admin > manager > member > viewer). Finer
 * per-record decisions live in policies.
 */
export default class RoleMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: { atLeast: Role }) {
    /** /api/v1 is signed in with a bearer token (the `api` guard), pages with the session. */
    const user = ctx.request.url().startsWith('/api/') ? ctx.auth.use('api').user : ctx.auth.user
    if (!user || !user.hasRoleAtLeast(options.atLeast)) {
      throw new apiErrors.E_FORBIDDEN(`This needs the ${options.atLeast} role or higher`)
    }
    return next()
  }
}
