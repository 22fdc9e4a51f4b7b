/**
 * Platform rate limits shared by every worker: the transport's RateLimiter
 * backed by @adonisjs/limiter (Redis when LIMITER_STORE=redis), so N worker
 * processes together stay within a platform's requests/second and daily
 * quota. Platform quota observations (e.g. Ticketmaster's remaining calls)
 * are kept in the same store.
 */
import limiter from '@adonisjs/limiter/services/main'
import { errors } from '@adonisjs/limiter'
import type {
  QuotaObservation,
  RateDecision,
  RateLimiter,
  RateLimits,
} from '#connectors/transport/rate_limiter'

const DAY_SECONDS = 24 * 60 * 60

export default class SharedRateLimiter implements RateLimiter {
  /** Fractional rates become "1 request per ⌈1/r⌉ seconds". */
  #perSecond(limits: RateLimits) {
    const rps = limits.requestsPerSecond
    if (rps === null || rps <= 0) return null
    return rps >= 1
      ? limiter.use({ requests: Math.floor(rps), duration: '1 sec' })
      : limiter.use({ requests: 1, duration: `${Math.ceil(1 / rps)} sec` })
  }

  /** Same options every time, so every store (memory included) sees one limiter. */
  #platformQuota() {
    return limiter.use({ requests: 1, duration: DAY_SECONDS })
  }

  async tryAcquire(key: string, limits: RateLimits): Promise<RateDecision> {
    const exhausted = await this.#platformQuota().get(`platform-quota:${key}`)
    if (exhausted && exhausted.remaining <= 0) {
      return {
        granted: false,
        retryAfterMs: exhausted.availableIn * 1000,
        reason: 'platform-quota',
      }
    }
    try {
      await this.#perSecond(limits)?.consume(`rps:${key}`)
    } catch (error) {
      if (error instanceof errors.E_TOO_MANY_REQUESTS) {
        return {
          granted: false,
          retryAfterMs: error.response.availableIn * 1000,
          reason: 'per-second',
        }
      }
      throw error
    }
    if (limits.requestsPerDay !== null) {
      try {
        await limiter
          .use({ requests: limits.requestsPerDay, duration: DAY_SECONDS })
          .consume(`day:${key}`)
      } catch (error) {
        if (error instanceof errors.E_TOO_MANY_REQUESTS) {
          return {
            granted: false,
            retryAfterMs: error.response.availableIn * 1000,
            reason: 'per-day',
          }
        }
        throw error
      }
    }
    return { granted: true }
  }

  /** When the platform says its quota is spent, every worker stops until its reset. */
  async observe(key: string, observation: QuotaObservation): Promise<void> {
    if (observation.remaining === null || observation.remaining > 0) return
    const seconds = observation.resetAt
      ? Math.max(1, Math.ceil((observation.resetAt - Date.now()) / 1000))
      : DAY_SECONDS
    await this.#platformQuota().set(`platform-quota:${key}`, 1, seconds)
  }
}
