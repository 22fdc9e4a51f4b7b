import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { redisChecks } from '#services/redis_connections'

/**
 * /health/live: the process answers. /health/ready: it can serve — the
 * database answers, and so does every Redis connection this process uses
 * (the very connections its queue, limiter, locks and SSE transport hold,
 * not one opened for the check).
 */
export default class HealthController {
  async live({ response }: HttpContext) {
    return response.send({ status: 'ok' })
  }

  async ready({ response }: HttpContext) {
    const checks: Record<string, { status: 'ok' | 'error'; message?: string }> = {}
    try {
      await db.rawQuery('select 1')
      checks.database = { status: 'ok' }
    } catch (error) {
      checks.database = { status: 'error', message: (error as Error).message }
    }
    Object.assign(checks, await redisChecks())
    const ready = Object.values(checks).every((check) => check.status === 'ok')
    return response.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'error', checks })
  }
}
