/**
 * Platform rate limits shared by every worker: the transport's RateLimiter
 * backed by @adonisjs/limiter (Redis when LIMITER_STORE=redis), so N worker
 * processes together stay within a platform's requests/second and daily
 * quota. Platform quota observations (e.g. Ticketmaster's remaining calls)
 * are kept in the same store.
 *
 * A platform's "quota spent" mark is read once a second per worker, not
 * before every request: it is a MULTI/GET/PTTL/EXEC round trip, and a market
 * check makes one to three requests. A quota the platform says is spent thus
 * stops the worker that saw it at once and the others within a second (their
 * requests meanwhile are answered by the platform's own 429, which the
 * transport handles as for any source).
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
/** How long a worker trusts its last read of a platform's "quota spent" mark. */
const QUOTA_READ_TTL_MS = 1000

interface QuotaRead {
  /** Until when this read is trusted (clock ms). */
  until: number
  /** When the spent quota resets (clock ms), or null when it is not spent. */
  spentUntil: number | null
}

export default class SharedRateLimiter implements RateLimiter {
  readonly #now: () => number
  readonly #quotaReads = new Map<string, QuotaRead>()

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now
  }

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

  /** When the platform's spent quota resets (clock ms), or null: from the store at most once a second. */
  async #quotaSpentUntil(key: string): Promise<number | null> {
    const now = this.#now()
    const cached = this.#quotaReads.get(key)
    if (cached && cached.until > now) return cached.spentUntil
    const exhausted = await this.#platformQuota().get(`platform-quota:${key}`)
    const spentUntil =
      exhausted && exhausted.remaining <= 0 ? now + exhausted.availableIn * 1000 : null
    this.#quotaReads.set(key, { until: now + QUOTA_READ_TTL_MS, spentUntil })
    return spentUntil
  }

  async tryAcquire(key: string, limits: RateLimits): Promise<RateDecision> {
    const spentUntil = await this.#quotaSpentUntil(key)
    if (spentUntil !== null && spentUntil > this.#now()) {
      return {
        granted: false,
        retryAfterMs: spentUntil - this.#now(),
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
    const now = this.#now()
    this.#quotaReads.set(key, { until: now + QUOTA_READ_TTL_MS, spentUntil: now + seconds * 1000 })
  }
}
