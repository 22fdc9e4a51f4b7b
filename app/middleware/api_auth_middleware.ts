import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import ApiException from '#exceptions/api_exception'

/**
 * `/api/v1`: a bearer access token is required. A missing, wrong, expired or
 * revoked token is a 401 in the API's one error envelope. `abilities`
 * lists what the route needs (read, write, purchase, admin).
 */
export default class ApiAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: { abilities?: string[] } = {}) {
    const guard = ctx.auth.use('api')
    const user = await guard.check().then(() => guard.user)
    if (!user || !guard.isAuthenticated) {
      throw new ApiException('E_UNAUTHORIZED', 'A valid access token is required', 401)
    }
    if (user.disabledAt) {
      throw new ApiException('E_UNAUTHORIZED', 'This account is disabled', 401)
    }
    const token = user.currentAccessToken
    for (const ability of options.abilities ?? []) {
      if (!token.allows(ability) && !token.allows('*')) {
        throw new ApiException('E_TOKEN_ABILITY', `This token lacks the "${ability}" ability`, 403)
      }
    }
    return next()
  }
}
