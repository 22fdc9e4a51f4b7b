import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import limiter from '@adonisjs/limiter/services/main'
import { errors as limiterErrors } from '@adonisjs/limiter'
import { apiErrors } from '#exceptions/catalogue'
import apiConfig from '#config/api'
import AccessTokenService, { type TokenAbility } from '#services/access_token_service'

/**
 * `/api/v1`: a bearer access token is required. A missing, wrong, expired or
 * revoked token is a 401 in the API's one error envelope. `abilities`
 * lists what the route needs (read, write, purchase, admin).
 *
 * Each token then has its own rate limit (API_RATE_LIMIT requests a minute):
 * every answer carries `RateLimit-Limit`, `RateLimit-Remaining` and
 * `RateLimit-Reset`; beyond it a 429 with `Retry-After` (exception handler).
 */
export default class ApiAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: { abilities?: string[] } = {}) {
    const guard = ctx.auth.use('api')
    const user = await guard.check().then(() => guard.user)
    if (!user || !guard.isAuthenticated) {
      throw new apiErrors.E_UNAUTHORIZED('A valid access token is required')
    }
    if (user.disabledAt) {
      throw new apiErrors.E_UNAUTHORIZED('This account is disabled')
    }
    const token = user.currentAccessToken
    await this.#rateLimit(ctx, String(token.identifier))
    /**
     * A token's abilities are bounded by its owner's role now, not only when
     * it was made: a member demoted to viewer keeps a token that reads.
     */
    const roleAllows = new AccessTokenService().allowedAbilities(user)
    for (const ability of options.abilities ?? []) {
      if (!token.allows(ability) && !token.allows('*')) {
        throw new apiErrors.E_TOKEN_ABILITY(`This token lacks the "${ability}" ability`)
      }
      if (!roleAllows.includes(ability as TokenAbility)) {
        throw new apiErrors.E_TOKEN_ABILITY(
          `Your role (${user.role}) does not allow the "${ability}" ability this token was given`
        )
      }
    }
    return next()
  }

  async #rateLimit(ctx: HttpContext, tokenId: string) {
    const { perMinute, store } = apiConfig.rateLimit
    if (perMinute <= 0) return
    const tokenLimiter = limiter.use(store, { requests: perMinute, duration: '1 minute' })
    const setHeaders = (limit: number, remaining: number, reset: number) => {
      ctx.response.header('RateLimit-Limit', String(limit))
      ctx.response.header('RateLimit-Remaining', String(Math.max(0, remaining)))
      ctx.response.header('RateLimit-Reset', String(Math.max(0, Math.ceil(reset))))
    }
    try {
      const result = await tokenLimiter.consume(`api_token_${tokenId}`)
      setHeaders(result.limit, result.remaining, result.availableIn)
    } catch (error) {
      if (error instanceof limiterErrors.E_TOO_MANY_REQUESTS) {
        setHeaders(error.response.limit, 0, error.response.availableIn)
      }
      throw error
    }
  }
}
