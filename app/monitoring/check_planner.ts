/**
 * The scheduling policy: how often each (event, source) pair is checked, and
 * which due pairs go to the queue now. Pure: no database, no clock (`now` is
 * passed in), no I/O. The shell that reads `event_sources` and dispatches jobs
 * lives elsewhere.
 *
 * ## The policy, in plain words
 *
 * **How often (`intervalFor`).** Every pair starts from a base interval of
 * 10 minutes (an importance-3 event, one watching rule, a day away, a market
 * where one check in three finds a change) and each fact about the event
 * multiplies it:
 *
 * - *Importance* (set by the user, 1..5): each step up divides the interval
 *   by √2, so a VIP (5) is checked 4× as often as an importance-1 event.
 * - *Watchers* (enabled rules watching the event): an unwatched event is
 *   checked half as often; each further rule shortens it by 1/√watchers, down
 *   to ×½ from 4 rules on.
 * - *Time to the event*: ×(days until the start)^¼, kept between ×½ (from
 *   1.5 hours before) and ×2 (16 days or more away). Once the event has
 *   started, ×½ while its market winds down. An unknown start date: ×2.
 * - *On-sale moment*: in the hour before it, ×¼, and the next check is never
 *   later than the moment itself; in the first hour after it, when the market
 *   moves fastest, ×1/20.
 * - *Volatility* (the share of the pair's recent checks, about the last ten,
 *   that found a change): ×ln 1.5 ÷ −ln(1 − share), between ×⅛ and ×8. One
 *   check in three finding a change keeps the interval; fewer lengthen it,
 *   more shorten it. Over time this settles each market at an interval
 *   proportional to 1/√(how often it changes): the way to share a fixed
 *   number of checks that leaves changes unseen for the shortest time. A pair
 *   with no history is planned at one in three.
 * - *Status*: `offsale` and `postponed` ×4 (little moves until a new sale or
 *   a new date).
 * - *Quota*: the intervals of one platform's pairs are then stretched or
 *   shrunk together (`quotaScale`) so that together they ask for what the
 *   platform's quota allows: a bigger catalogue or a smaller quota means
 *   longer intervals for everyone, in the same proportions.
 *
 * The result is kept between 5 seconds and 6 hours. Then *failures back off*:
 * after n consecutive failures the interval is doubled n times (at most 10
 * times), and is at least 30 s × 2^(n−1) so a failing VIP source is not
 * hammered; still at most 6 hours.
 *
 * **When to stop.** A cancelled event, an ended event, or one that started
 * more than 3 hours ago is no longer checked (`intervalMs: null`).
 *
 * **Which due pairs go now (`planDueChecks`).** Among the pairs whose next
 * check time has come, the most urgent go first. Urgency (`priorityOf`) is
 * the event's importance (1..5) × (1 + how late the pair is, as a share of its
 * own interval): a just-due VIP goes before a just-due importance-1 event, and
 * a pair that has waited long enough eventually goes before everything, so
 * nothing starves. Each platform gets at most its requests-per-second quota ×
 * the dispatch window, and never more than what is left of its daily quota; a
 * platform without a quota entry gets nothing. Pairs that do not fit wait for
 * the next window, growing more urgent.
 */

export type EventStatus =
  'scheduled' | 'onsale' | 'offsale' | 'cancelled' | 'postponed' | 'rescheduled' | 'ended'

export interface PlanInput {
  /** User-set, 1 (low) .. 5 (VIP) */
  importance: number
  /** Enabled watch rules that watch this event */
  watchers: number
  startsAt: Date | null
  onsaleAt: Date | null
  status: EventStatus
  /** Recent share of checks of this pair that found a change, 0..1 */
  volatility: number
  consecutiveFailures: number
}

export interface PlannedInterval {
  /** Milliseconds until the next check, or null: stop checking this pair */
  intervalMs: number | null
  /** Why, in a few words, for the source health page and logs */
  reason: string
}

export interface DueCandidate {
  sourceId: number
  /** Platform slug: the key of the quota it draws on */
  platform: string
  nextCheckAt: Date
  /** Higher goes first; computed by `priorityOf` */
  priority: number
}

export interface PlatformQuota {
  perSecond: number
  /** Requests left today, or null when the platform has no daily limit */
  remainingToday: number | null
}

export const MIN_INTERVAL_MS = 5_000
export const MAX_INTERVAL_MS = 6 * 3_600_000
export const BASE_INTERVAL_MS = 10 * 60_000
/** An event that started longer ago than this is no longer checked */
export const PASSED_AFTER_MS = 3 * 3_600_000
/** The on-sale window: this long before and after the on-sale moment */
export const ONSALE_WINDOW_MS = 3_600_000
/** The least a failing pair waits after its first failure */
export const FAILURE_FLOOR_MS = 30_000

const HOUR_MS = 3_600_000
/**
 * The share of a platform's quota the planned intervals together aim at: all
 * of it. Moments that ask for more wait their turn by priority; the quota
 * itself is never exceeded (planDueChecks).
 */
export const QUOTA_UTILISATION = 1
const MAX_QUOTA_SCALE = 64
const MAX_BACKOFF_DOUBLINGS = 10

function clamp(value: number, low: number, high: number) {
  return Math.min(high, Math.max(low, value))
}

function finiteOr(value: number, fallback: number) {
  return Number.isFinite(value) ? value : fallback
}

function importanceOf(importance: number) {
  return clamp(Math.round(finiteOr(importance, 3)), 1, 5)
}

/**
 * The importance weight used in priorities: the importance itself (1..5),
 * the same weight the staleness figure of DESIGN §5 gives each event.
 */
export function importanceWeight(importance: number) {
  return importanceOf(importance)
}

/** The volatility a pair without check history is planned with. */
export const UNKNOWN_VOLATILITY = 1 / 3

/**
 * ln(1.5) ÷ −ln(1 − share), between ×⅛ and ×8: ×1 at one check in three
 * finding a change. If a market changes as a Poisson process at rate λ and is
 * checked every T, the share is 1 − e^(−λT), so −ln(1 − share) = λT and the
 * steady interval this feeds back to is T ∝ 1/√λ: the square-root rule that
 * minimises the mean staleness of changes for a fixed number of checks.
 */
export function volatilityFactor(volatility: number) {
  const share = clamp(finiteOr(volatility, UNKNOWN_VOLATILITY), 0, 0.95)
  if (share === 0) return 8
  return clamp(Math.log(1.5) / -Math.log(1 - share), 1 / 8, 8)
}

function formatDuration(ms: number) {
  const abs = Math.abs(ms)
  if (abs < 60_000) return `${Math.round(ms / 1000)} s`
  if (abs < HOUR_MS) return `${Math.round(ms / 60_000)} min`
  if (abs < 48 * HOUR_MS) return `${Math.round(ms / HOUR_MS)} h`
  return `${Math.round(ms / (24 * HOUR_MS))} d`
}

/**
 * How long to wait before the next check of one pair, and why. `null` means
 * the pair should no longer be checked.
 */
export function intervalFor(pair: PlanInput, now: Date, scale = 1): PlannedInterval {
  if (pair.status === 'cancelled') return { intervalMs: null, reason: 'event cancelled' }
  if (pair.status === 'ended') return { intervalMs: null, reason: 'event ended' }
  const nowMs = now.getTime()
  const startsInMs = pair.startsAt ? pair.startsAt.getTime() - nowMs : null
  if (startsInMs !== null && startsInMs < -PASSED_AFTER_MS) {
    return { intervalMs: null, reason: 'event passed' }
  }

  const reasons: string[] = []
  let interval = BASE_INTERVAL_MS

  const importance = importanceOf(pair.importance)
  interval *= Math.SQRT2 ** (3 - importance)
  if (importance !== 3) reasons.push(`importance ${importance}`)

  const watchers = Math.max(0, Math.floor(finiteOr(pair.watchers, 0)))
  if (watchers === 0) {
    interval *= 2
    reasons.push('unwatched')
  } else if (watchers > 1) {
    interval *= Math.max(0.5, 1 / Math.sqrt(watchers))
    reasons.push(`${watchers} watchers`)
  }

  if (startsInMs === null) {
    interval *= 2
    reasons.push('start date unknown')
  } else if (startsInMs <= 0) {
    interval *= 0.5
    reasons.push('in progress')
  } else {
    interval *= clamp((startsInMs / (24 * HOUR_MS)) ** 0.25, 0.5, 2)
    reasons.push(`starts in ${formatDuration(startsInMs)}`)
  }

  if (pair.status === 'offsale' || pair.status === 'postponed') {
    interval *= 4
    reasons.push(pair.status)
  }

  const volatility = clamp(finiteOr(pair.volatility, UNKNOWN_VOLATILITY), 0, 1)
  interval *= volatilityFactor(volatility)
  if (volatility >= 0.5) reasons.push('volatile market')
  else if (volatility < 0.15) reasons.push('calm market')

  if (Number.isFinite(scale) && scale > 0 && scale !== 1) {
    interval *= scale
    reasons.push(`quota scale ×${scale.toFixed(2)}`)
  }

  let onsaleCapMs = Infinity
  if (pair.onsaleAt) {
    const onsaleInMs = pair.onsaleAt.getTime() - nowMs
    if (onsaleInMs > 0) {
      /** Never sleep past the on-sale moment */
      onsaleCapMs = onsaleInMs
      if (onsaleInMs <= ONSALE_WINDOW_MS) {
        interval *= 0.25
        reasons.push(`on sale in ${formatDuration(onsaleInMs)}`)
      }
    } else if (onsaleInMs >= -ONSALE_WINDOW_MS) {
      interval *= 0.05
      reasons.push(`on sale since ${formatDuration(-onsaleInMs)}`)
    }
  }

  interval = clamp(Math.min(interval, onsaleCapMs), MIN_INTERVAL_MS, MAX_INTERVAL_MS)

  const failures = Math.max(0, Math.floor(finiteOr(pair.consecutiveFailures, 0)))
  if (failures > 0) {
    const doublings = Math.min(failures, MAX_BACKOFF_DOUBLINGS)
    interval = Math.min(
      MAX_INTERVAL_MS,
      Math.max(interval * 2 ** doublings, FAILURE_FLOOR_MS * 2 ** (doublings - 1))
    )
    reasons.push(`${failures} failure${failures === 1 ? '' : 's'}, backing off`)
  }

  const intervalMs = Math.round(interval)
  return { intervalMs, reason: reasons.length ? reasons.join(', ') : 'default interval' }
}

/**
 * The factor that fits a platform's planned intervals to its quota: the
 * requests per second the pairs would ask for at scale 1 (Σ 1000 ÷ intervalMs)
 * over the requests per second the platform allows, aiming at `utilisation`
 * of it. Above 1 the intervals stretch (not enough quota), below 1 they
 * shrink (spare quota), keeping their proportions; bounded to [1/64, 64].
 */
export function quotaScale(
  demandPerSecond: number,
  capacityPerSecond: number,
  utilisation = QUOTA_UTILISATION
) {
  if (!(demandPerSecond > 0)) return 1
  if (!(capacityPerSecond > 0)) return MAX_QUOTA_SCALE
  return clamp(
    demandPerSecond / (capacityPerSecond * utilisation),
    1 / MAX_QUOTA_SCALE,
    MAX_QUOTA_SCALE
  )
}

/**
 * How urgent one due pair is: its importance weight × (1 + how late it is,
 * as a share of its own interval). A pair that is not yet due scores its
 * weight alone. `intervalMs` is the pair's current interval (from
 * `intervalFor`); a missing or non-positive one counts as the base interval.
 */
export function priorityOf(
  pair: { importance: number; nextCheckAt: Date; intervalMs?: number | null },
  now: Date
): number {
  const lateMs = Math.max(0, now.getTime() - pair.nextCheckAt.getTime())
  const interval = pair.intervalMs && pair.intervalMs > 0 ? pair.intervalMs : BASE_INTERVAL_MS
  return importanceWeight(pair.importance) * (1 + lateMs / interval)
}

/** How many requests a platform may get in one window. */
export function allowanceOf(quota: PlatformQuota | undefined, windowMs: number): number {
  if (!quota) return 0
  const perWindow = Math.floor(finiteOr(quota.perSecond, 0) * (Math.max(0, windowMs) / 1000) + 1e-9)
  const daily =
    quota.remainingToday === null ? Infinity : Math.floor(finiteOr(quota.remainingToday, 0))
  return Math.max(0, Math.min(perWindow, daily))
}

/** Higher priority first; then the longest-due; then the lowest id (deterministic). */
function before(a: DueCandidate, b: DueCandidate) {
  if (a.priority !== b.priority) return a.priority > b.priority
  const at = a.nextCheckAt.getTime()
  const bt = b.nextCheckAt.getTime()
  if (at !== bt) return at < bt
  return a.sourceId < b.sourceId
}

function compare(a: DueCandidate, b: DueCandidate) {
  return before(a, b) ? -1 : before(b, a) ? 1 : 0
}

/**
 * The `k` most urgent of `items`, most urgent first: a bounded min-heap, so
 * O(n log k) when k is small beside n (the usual case: a few requests per
 * second against thousands of due pairs).
 */
function topK<C extends DueCandidate>(items: C[], k: number): C[] {
  if (k <= 0) return []
  if (items.length <= k) return items.slice().sort(compare)
  const heap: C[] = []
  /** heap[0] is the least urgent of the kept ones */
  const down = (start: number) => {
    let i = start
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let worst = i
      if (l < heap.length && before(heap[worst], heap[l])) worst = l
      if (r < heap.length && before(heap[worst], heap[r])) worst = r
      if (worst === i) return
      ;[heap[i], heap[worst]] = [heap[worst], heap[i]]
      i = worst
    }
  }
  for (const item of items) {
    if (heap.length < k) {
      heap.push(item)
      let i = heap.length - 1
      while (i > 0) {
        const parent = (i - 1) >> 1
        if (!before(heap[parent], heap[i])) break
        ;[heap[i], heap[parent]] = [heap[parent], heap[i]]
        i = parent
      }
    } else if (before(item, heap[0])) {
      heap[0] = item
      down(0)
    }
  }
  return heap.sort(compare)
}

/**
 * The due pairs to dispatch now, most urgent first, inside each platform's
 * quota for this window. A candidate is due when `nextCheckAt <= now`.
 */
export function planDueChecks<C extends DueCandidate>(
  candidates: readonly C[],
  quotas: Readonly<Record<string, PlatformQuota>>,
  now: Date,
  windowMs: number
): C[] {
  const nowMs = now.getTime()
  const byPlatform = new Map<string, C[]>()
  for (const candidate of candidates) {
    if (candidate.nextCheckAt.getTime() > nowMs) continue
    let bucket = byPlatform.get(candidate.platform)
    if (!bucket) byPlatform.set(candidate.platform, (bucket = []))
    bucket.push(candidate)
  }
  const chosen: C[] = []
  for (const [platform, bucket] of byPlatform) {
    const quota = Object.hasOwn(quotas, platform) ? quotas[platform] : undefined
    for (const candidate of topK(bucket, allowanceOf(quota, windowMs))) chosen.push(candidate)
  }
  return byPlatform.size > 1 ? chosen.sort(compare) : chosen
}
