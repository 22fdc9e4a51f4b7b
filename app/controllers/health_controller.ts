import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'

/**
 * /health/live: the process answers. /health/ready: it can serve — the
 * database answers, and Redis too when something is configured to use it.
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
    if (usesRedis()) {
      try {
        const redis = (await import('@adonisjs/redis/services/main')).default
        await redis.ping()
        checks.redis = { status: 'ok' }
      } catch (error) {
        checks.redis = { status: 'error', message: (error as Error).message }
      }
    }
    const ready = Object.values(checks).every((check) => check.status === 'ok')
    return response.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'error', checks })
  }
}

export function usesRedis() {
  return (
    env.get('QUEUE_DRIVER') === 'redis' ||
    env.get('LIMITER_STORE') === 'redis' ||
    env.get('LOCK_STORE') === 'redis' ||
    env.get('TRANSMIT_TRANSPORT') === 'redis'
  )
}
