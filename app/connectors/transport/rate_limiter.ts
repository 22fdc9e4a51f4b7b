import type { Clock } from '#connectors/transport/types'
import { systemClock } from '#connectors/transport/types'

export interface RateLimits {
  /** Sustained requests per second (fractions allowed: 0.2 = one per 5 s); null = unlimited */
  requestsPerSecond: number | null
  /** Daily quota; null = none published */
  requestsPerDay: number | null
}

export type RateDecision =
  | { granted: true }
  | { granted: false; retryAfterMs: number; reason: 'per-second' | 'per-day' | 'platform-quota' }

/** What a platform told us about its quota (e.g. Ticketmaster Rate-Limit-Available / -Reset). */
export interface QuotaObservation {
  remaining: number | null
  /** Epoch ms when the quota window resets */
  resetAt: number | null
}

/**
 * Per-source rate limiting. The in-memory bucket below serves one process;
 * scaled deployments back this interface with @adonisjs/limiter (Redis) so
 * every worker shares one budget per platform key.
 */
export interface RateLimiter {
  tryAcquire(key: string, limits: RateLimits): Promise<RateDecision>
  observe(key: string, observation: QuotaObservation): Promise<void>
}

interface BucketState {
  tokens: number
  refilledAt: number
  dayStartedAt: number
  dayCount: number
  platformRemaining: number | null
  platformResetAt: number | null
}

const DAY_MS = 24 * 60 * 60 * 1000

/** Token bucket (burst = one second's worth, at least 1) + rolling 24 h quota. */
export class InMemoryRateLimiter implements RateLimiter {
  readonly #clock: Clock
  readonly #state = new Map<string, BucketState>()

  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock
  }

  async tryAcquire(key: string, limits: RateLimits): Promise<RateDecision> {
    const now = this.#clock.now()
    const state = this.#stateFor(key, limits, now)

    if (state.platformResetAt !== null && now >= state.platformResetAt) {
      state.platformRemaining = null
      state.platformResetAt = null
    }
    if (state.platformRemaining !== null && state.platformRemaining <= 0) {
      const retryAfterMs = state.platformResetAt !== null ? state.platformResetAt - now : DAY_MS
      return { granted: false, retryAfterMs, reason: 'platform-quota' }
    }

    if (now - state.dayStartedAt >= DAY_MS) {
      state.dayStartedAt = now
      state.dayCount = 0
    }
    if (limits.requestsPerDay !== null && state.dayCount >= limits.requestsPerDay) {
      return { granted: false, retryAfterMs: state.dayStartedAt + DAY_MS - now, reason: 'per-day' }
    }

    const rps = limits.requestsPerSecond
    if (rps !== null && rps > 0) {
      const capacity = Math.max(1, rps)
      state.tokens = Math.min(capacity, state.tokens + ((now - state.refilledAt) / 1000) * rps)
      state.refilledAt = now
      if (state.tokens < 1) {
        return {
          granted: false,
          retryAfterMs: Math.ceil(((1 - state.tokens) / rps) * 1000),
          reason: 'per-second',
        }
      }
      state.tokens -= 1
    }

    state.dayCount += 1
    if (state.platformRemaining !== null) state.platformRemaining -= 1
    return { granted: true }
  }

  async observe(key: string, observation: QuotaObservation): Promise<void> {
    const state = this.#state.get(key)
    if (!state) return
    if (observation.remaining !== null) state.platformRemaining = observation.remaining
    if (observation.resetAt !== null) state.platformResetAt = observation.resetAt
  }

  #stateFor(key: string, limits: RateLimits, now: number): BucketState {
    let state = this.#state.get(key)
    if (!state) {
      state = {
        tokens: Math.max(1, limits.requestsPerSecond ?? 1),
        refilledAt: now,
        dayStartedAt: now,
        dayCount: 0,
        platformRemaining: null,
        platformResetAt: null,
      }
      this.#state.set(key, state)
    }
    return state
  }
}

/**
 * Reads quota headers: Ticketmaster's `Rate-Limit-Available` + `Rate-Limit-Reset`
 * (epoch milliseconds), and the IETF/GitHub style `RateLimit-Remaining` /
 * `X-RateLimit-Remaining` + `-Reset` (delta seconds or epoch seconds).
 */
export function parseQuotaHeaders(
  headers: Record<string, string>,
  now: number
): QuotaObservation | null {
  const remainingRaw =
    headers['rate-limit-available'] ??
    headers['ratelimit-remaining'] ??
    headers['x-ratelimit-remaining']
  const resetRaw =
    headers['rate-limit-reset'] ?? headers['ratelimit-reset'] ?? headers['x-ratelimit-reset']
  if (remainingRaw === undefined && resetRaw === undefined) return null
  const remaining =
    remainingRaw !== undefined && /^\d+$/.test(remainingRaw.trim()) ? Number(remainingRaw) : null
  return { remaining, resetAt: parseResetValue(resetRaw, now) }
}

/** Epoch ms (> 1e12), epoch s (> 1e9) or delta seconds. */
export function parseResetValue(raw: string | undefined, now: number): number | null {
  if (raw === undefined || !/^\d+(\.\d+)?$/.test(raw.trim())) return null
  const value = Number(raw)
  if (value > 1e12) return Math.round(value)
  if (value > 1e9) return Math.round(value * 1000)
  return now + Math.round(value * 1000)
}
