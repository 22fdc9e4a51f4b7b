import type { HttpContext } from '@adonisjs/core/http'
import { timingSafeEqual } from 'node:crypto'
import { apiErrors } from '#exceptions/catalogue'
import apiConfig from '#config/api'
import { metricsContentType, metricsText } from '#monitoring/cluster_metrics'

function sameSecret(given: string, expected: string) {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * GET /metrics in the Prometheus text format: in the scaled mode, every
 * process's (web and workers), labelled `process`. Needs `Authorization: Bearer
 * <METRICS_TOKEN>` or an access token with the admin ability.
 */
export default class MetricsController {
  async show(ctx: HttpContext) {
    const header = ctx.request.header('authorization') ?? ''
    const bearer = header.startsWith('Bearer ') ? header.slice(7).trim() : ''
    let allowed = Boolean(
      bearer && apiConfig.metricsToken && sameSecret(bearer, apiConfig.metricsToken)
    )
    if (!allowed && bearer) {
      const guard = ctx.auth.use('api')
      const user = await guard.check().then(() => guard.user)
      if (user && !user.disabledAt && user.role === 'admin') {
        allowed = user.currentAccessToken.allows('admin')
        if (!allowed) throw new apiErrors.E_TOKEN_ABILITY('This token lacks the "admin" ability')
      }
    }
    if (!allowed)
      throw new apiErrors.E_UNAUTHORIZED('The metrics token or an admin access token is required')
    return ctx.response.header('content-type', metricsContentType).send(await metricsText())
  }
}
