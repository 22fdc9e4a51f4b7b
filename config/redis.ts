import { createHash } from 'node:crypto'
import env from '#start/env'
import { defineConfig } from '@adonisjs/redis'
import type { InferConnections } from '@adonisjs/redis/types'

/**
 * What this deployment puts in Redis starts with this prefix: queue jobs and
 * schedules, limiter counters, locks (as `<prefix>:…` keys) and the SSE
 * fan-out channel. Two deployments on one Redis server never see each
 * other's jobs or live updates — pub/sub ignores REDIS_DB, so the channel
 * name is what keeps them apart. Default: derived from a hash of APP_KEY
 * (never the key itself); set REDIS_PREFIX before rotating APP_KEY.
 */
export const redisPrefix =
  env.get('REDIS_PREFIX') ?? deriveRedisPrefix(env.get('APP_KEY').release())

/** `hdt-` and 12 hex digits of a SHA-256 of the key: stable per key, and says nothing of it. */
export function deriveRedisPrefix(appKey: string) {
  return `hdt-${createHash('sha256').update(`hdtickets redis prefix\0${appKey}`).digest('hex').slice(0, 12)}`
}

/** True when the queue, limiter, locks or SSE fan-out go through Redis. */
export const redisInUse = [
  env.get('QUEUE_DRIVER'),
  env.get('LIMITER_STORE'),
  env.get('LOCK_STORE'),
  env.get('TRANSMIT_TRANSPORT'),
  env.get('API_RATE_LIMIT_STORE'),
].includes('redis')

/**
 * Reconnects for as long as Redis is away: after 100 ms, 200 ms, … then
 * every second, forever. (Giving up after ten tries left the queue, the
 * limiter and the locks holding a connection that was closed for good.)
 */
export function reconnectDelay(attempt: number) {
  return Math.min(attempt * 100, 1_000)
}

/**
 * The ioredis options every connection of the process shares (the SSE
 * transport's too). A command sent while Redis is away waits for at most
 * two reconnection attempts (about 2 s), then fails with
 * MaxRetriesPerRequestError: a request answers 503 instead of hanging, and
 * a worker's poll loop simply tries again.
 */
export const redisOptions = {
  host: env.get('REDIS_HOST', '127.0.0.1'),
  port: env.get('REDIS_PORT', 6379),
  password: env.get('REDIS_PASSWORD')?.release() || undefined,
  db: env.get('REDIS_DB', 0),
  connectTimeout: 5_000,
  maxRetriesPerRequest: 1,
  retryStrategy: reconnectDelay,
}

/**
 * Redis is only connected to when something configured to use it (the
 * queue, the limiter, locks or the SSE transport) asks for it.
 */
const redisConfig = defineConfig({
  connection: 'main',
  connections: {
    main: {
      ...redisOptions,
      keyPrefix: `${redisPrefix}:`,
      lazyConnect: true,
    },
  },
})

export default redisConfig

declare module '@adonisjs/redis/types' {
  export interface RedisConnections extends InferConnections<typeof redisConfig> {}
}
