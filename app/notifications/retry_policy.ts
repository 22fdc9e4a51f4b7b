/**
 * Retries and disabling: the webhook backoff schedule (30 s … 6 h), and when
 * a run of failures disables an endpoint. Pure: `now` and `random` are
 * passed in.
 */

/** Delay before retry n (index 0 = after the first failure): 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h. */
export const WEBHOOK_RETRY_SCHEDULE_MS: readonly number[] = [
  30_000,
  2 * 60_000,
  10 * 60_000,
  30 * 60_000,
  60 * 60_000,
  3 * 60 * 60_000,
  6 * 60 * 60_000,
]

/** Consecutive failed attempts (no success between) that disable an endpoint… */
export const DEFAULT_DISABLE_AFTER_FAILURES = 24
/** …provided it has been failing at least this long (a burst of alerts during a short outage does not disable it). */
export const DEFAULT_MIN_FAILING_MS = 6 * 60 * 60_000

/**
 * How long to wait after `failedAttempts` failures (1 after the first) before
 * the next attempt; null when the schedule is spent (give up, mark failed).
 * A provider's Retry-After is honoured when longer. Jitter spreads retries
 * (±`jitter`, default 10 %); pass `random` for determinism.
 */
export function retryDelayMs(
  failedAttempts: number,
  options: {
    schedule?: readonly number[]
    retryAfterMs?: number | null
    jitter?: number
    random?: () => number
  } = {}
): number | null {
  const schedule = options.schedule ?? WEBHOOK_RETRY_SCHEDULE_MS
  if (!Number.isInteger(failedAttempts) || failedAttempts < 1)
    throw new RangeError(`failedAttempts must be ≥ 1, got ${failedAttempts}`)
  if (failedAttempts > schedule.length) return null
  const base = schedule[failedAttempts - 1]
  const jitter = options.jitter ?? 0.1
  const random = options.random ?? Math.random
  const spread = Math.round(base * (1 + jitter * (2 * random() - 1)))
  const cap = schedule[schedule.length - 1]
  return Math.max(spread, Math.min(options.retryAfterMs ?? 0, cap))
}

export function nextRetryAt(
  failedAttempts: number,
  now: Date,
  options: Parameters<typeof retryDelayMs>[1] = {}
): Date | null {
  const delay = retryDelayMs(failedAttempts, options)
  return delay === null ? null : new Date(now.getTime() + delay)
}

/**
 * Whether an endpoint should be disabled (and its owner told): a run of
 * `threshold` consecutive failed attempts, failing for at least
 * `minFailingMs` when `failingSince` (first failure after the last success,
 * from the delivery log) is given.
 */
export function shouldDisable(
  consecutiveFailures: number,
  options: {
    threshold?: number
    failingSince?: Date | null
    now?: Date
    minFailingMs?: number
  } = {}
): boolean {
  if (consecutiveFailures < (options.threshold ?? DEFAULT_DISABLE_AFTER_FAILURES)) return false
  if (!options.failingSince || !options.now) return true
  return (
    options.now.getTime() - options.failingSince.getTime() >=
    (options.minFailingMs ?? DEFAULT_MIN_FAILING_MS)
  )
}
