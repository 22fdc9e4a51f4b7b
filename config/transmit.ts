import env from '#start/env'
import { defineConfig } from '@adonisjs/transmit'
import { redis } from '@adonisjs/transmit/transports/redis'
import { redisOptions, redisPrefix } from '#config/redis'
import { TrackedRedis } from '#services/redis_connections'

/**
 * The channel Transmit's Redis transport shares between the web processes
 * of one deployment. Redis pub/sub is server-wide (REDIS_DB does not
 * separate it), so the deployment's prefix is what keeps another
 * deployment's live updates out.
 */
export function transmitChannel(prefix: string) {
  return `${prefix}:transmit::broadcast`
}

/** Transmit's Redis channel when the transport is Redis (several processes), else null */
export const transmitRedisChannel =
  env.get('TRANSMIT_TRANSPORT', 'memory') === 'redis' ? transmitChannel(redisPrefix) : null

/**
 * Server-Sent Events. In memory for one process; through Redis when web
 * processes are scaled out so a message reaches every open dashboard. The
 * transport's two connections reconnect like every other (config/redis.ts)
 * and are reported by /health/ready.
 */
export default defineConfig({
  pingInterval: '30s',
  transport:
    env.get('TRANSMIT_TRANSPORT', 'memory') === 'redis'
      ? {
          driver: redis(new TrackedRedis('transmit', redisOptions) as any),
          channel: transmitChannel(redisPrefix),
        }
      : null,
})
