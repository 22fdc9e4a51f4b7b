/**
 * A discrete-time simulation comparing two scheduling policies under the
 * same API quota: plain round-robin, and the planner of `check_planner.ts`.
 * Pure and deterministic: a seeded PRNG (mulberry32), a fixed simulated
 * epoch, no clock.
 *
 * The world: N events on one platform. Importance is skewed (45 % are 1,
 * 30 % are 2, 15 % are 3, 7 % are 4, 3 % are 5) and independent of how busy
 * the market is; watchers grow with importance. A fifth of the events start
 * between 2 hours before the run and 12 hours into it, the rest within 30
 * days; one in ten of the later ones goes on sale during the run; 2 % are
 * cancelled. Each market changes as a Poisson process. Its base rate differs
 * from event to event as real resale markets do (a few busy games, many
 * quiet ones): the mean time between changes is log-normal around 2 hours,
 * with σ = `activitySpread` (1.75 by default: the busiest 2.5 % change
 * about 1,000× as often as the quietest 2.5 %), kept between 1 minute and 2
 * days. The rate also follows the calendar: ×¼ more than 14 days before the
 * start, ×½ from 3 to 14 days, ×1 from 1 to 3 days, ×3 in the last day, ×6 in
 * the last 3 hours, ×20 in the first hour on sale; nothing before the
 * on-sale moment, once cancelled, or from an hour after the start. Both
 * policies see the very same changes.
 *
 * The quota is a token bucket of `quota` requests per second shared by all
 * events, refilled every tick (at most one tick's worth kept). Round-robin
 * spends every token on the next live event in a fixed ring (it skips events
 * that were cancelled or ended, as any implementation would). The planner
 * keeps a next check time per event from `intervalFor`, with the volatility it
 * has observed (an exponentially weighted share of its checks that found a
 * change, about the last ten) and its intervals fitted to the quota once a
 * simulated minute (`quotaScale`); each tick it hands `planDueChecks` the due
 * events with their `priorityOf`. It never uses more tokens than round-robin
 * and may leave some unused.
 *
 * The metric: importance-weighted staleness, Σ importanceᵢ × (time from a
 * market change to the first check that sees it) ÷ Σ importanceᵢ, over the
 * changes made after the warm-up (during which the planner learns the
 * markets, as a running system has). A change nobody has seen by the end
 * counts with its age at the end. `ratio` = round-robin ÷ planner (higher is better
 * for the planner).
 */
import {
  intervalFor,
  planDueChecks,
  priorityOf,
  quotaScale,
  UNKNOWN_VOLATILITY,
  type DueCandidate,
  type EventStatus,
  type PlanInput,
} from '#monitoring/check_planner'
import { mulberry32 } from '#sandbox/random'

export interface SimulationOptions {
  /** Number of events (each one (event, source) pair on the one platform) */
  events: number
  /** Requests per second allowed by the platform, shared by all events */
  quota: number
  /** Measured simulated time, seconds (after the warm-up) */
  durationS: number
  /** Simulated time before measuring starts, seconds (the planner learns volatility) */
  warmupS: number
  /** How unequal markets are: σ of the natural log of the mean time between changes */
  activitySpread: number
  /** Simulation step, seconds */
  tickS: number
  seed: number
}

export const DEFAULT_SIMULATION: SimulationOptions = {
  events: 2_000,
  quota: 2,
  durationS: 6 * 3600,
  warmupS: 6 * 3600,
  activitySpread: 1.75,
  tickS: 1,
  seed: 42,
}

export interface PolicyResult {
  /** Importance-weighted mean staleness of a change, seconds */
  staleness: number
  /** Unweighted mean staleness of a change, seconds */
  meanStaleness: number
  /** Importance-weighted staleness per importance level 1..5, seconds (null: no change at that level) */
  stalenessByImportance: Record<1 | 2 | 3 | 4 | 5, number | null>
  /** Checks made during the measured span */
  checks: number
  /** Changes made during the measured span that no check had seen by the end */
  unseenAtEnd: number
}

export interface SimulationResult {
  options: SimulationOptions
  /** Changes made during the measured span (the same for both policies) */
  changes: number
  roundRobin: PolicyResult
  planner: PolicyResult
  /** roundRobin.staleness ÷ planner.staleness */
  ratio: number
}

const EPOCH_MS = Date.UTC(2025, 0, 1)
const HOUR_S = 3600
const DAY_S = 24 * HOUR_S
const PLATFORM = 'sim'
/** Weight of the latest check in the observed volatility: about the last ten checks */
const VOLATILITY_ALPHA = 0.1
/** How often the planner refits its intervals to the quota, simulated seconds */
const RESCALE_EVERY_S = 60

interface SimEvent {
  importance: 1 | 2 | 3 | 4 | 5
  watchers: number
  /** Seconds from the simulation start (may be negative) */
  startsAtS: number
  onsaleAtS: number
  cancelled: boolean
  baseRate: number
  /** Change times, seconds from the simulation start, ascending */
  changes: Float64Array
}

function pickImportance(r: number): 1 | 2 | 3 | 4 | 5 {
  if (r < 0.45) return 1
  if (r < 0.75) return 2
  if (r < 0.9) return 3
  if (r < 0.97) return 4
  return 5
}

/** The market's change-rate multiplier at time t (seconds from the start). */
function rateMultiplier(event: SimEvent, t: number) {
  if (event.cancelled || t < event.onsaleAtS || t > event.startsAtS + HOUR_S) return 0
  const untilStart = event.startsAtS - t
  let m: number
  if (untilStart > 14 * DAY_S) m = 0.25
  else if (untilStart > 3 * DAY_S) m = 0.5
  else if (untilStart > DAY_S) m = 1
  else if (untilStart > 3 * HOUR_S) m = 3
  else m = 6
  if (t - event.onsaleAtS <= HOUR_S) m = Math.max(m, 20)
  return m
}
const MAX_MULTIPLIER = 20

/**
 * The base change rate of one market (changes per second): the mean time
 * between changes is log-normal around 2 hours with the given spread (σ of its
 * natural log), kept between 1 minute and 2 days.
 */
function drawBaseRate(random: () => number, spread: number) {
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const meanGapS = Math.min(2 * DAY_S, Math.max(60, 2 * HOUR_S * Math.exp(spread * z)))
  return 1 / meanGapS
}

/** The world both policies face, drawn from the seed. */
export function generateWorld(options: SimulationOptions): SimEvent[] {
  const random = mulberry32(options.seed)
  const endS = options.warmupS + options.durationS
  const events: SimEvent[] = []
  for (let i = 0; i < options.events; i++) {
    const importance = pickImportance(random())
    const watchers = Math.floor(random() * (importance + 1) * 1.5)
    const startsAtS =
      random() < 0.2 ? -2 * HOUR_S + random() * 14 * HOUR_S : 12 * HOUR_S + random() * 30 * DAY_S
    const onsaleAtS =
      random() < 0.1 && startsAtS > endS ? random() * endS : -DAY_S - random() * 60 * DAY_S
    const cancelled = random() < 0.02
    const baseRate = drawBaseRate(random, options.activitySpread)
    const event: SimEvent = {
      importance,
      watchers,
      startsAtS,
      onsaleAtS,
      cancelled,
      baseRate,
      changes: new Float64Array(0),
    }
    /** Non-homogeneous Poisson process by thinning */
    const times: number[] = []
    const maxRate = baseRate * MAX_MULTIPLIER
    let t = 0
    for (;;) {
      t += -Math.log(1 - random()) / maxRate
      if (t >= endS) break
      if (random() * MAX_MULTIPLIER < rateMultiplier(event, t)) times.push(t)
    }
    event.changes = Float64Array.from(times)
    events.push(event)
  }
  return events
}

function statusAt(event: SimEvent, t: number): EventStatus {
  if (event.cancelled) return 'cancelled'
  if (t > event.startsAtS + 3 * HOUR_S) return 'ended'
  return t >= event.onsaleAtS ? 'onsale' : 'scheduled'
}

function isLive(event: SimEvent, t: number) {
  const status = statusAt(event, t)
  return status !== 'cancelled' && status !== 'ended'
}

/** Staleness accounting for one policy over the shared change stream. */
class Ledger {
  private readonly seen: Int32Array
  private weighted = 0
  private weights = 0
  private plain = 0
  private count = 0
  private readonly byLevel = Array.from({ length: 6 }, () => ({ sum: 0, n: 0 }))
  checks = 0

  constructor(
    private readonly events: SimEvent[],
    private readonly warmupS: number
  ) {
    this.seen = new Int32Array(events.length)
  }

  /** A check of event i at time t: every change made by then is seen. Returns whether any was new. */
  check(i: number, t: number): boolean {
    const event = this.events[i]
    const changes = event.changes
    let k = this.seen[i]
    const first = k
    while (k < changes.length && changes[k] <= t) {
      if (changes[k] >= this.warmupS) this.record(event.importance, t - changes[k])
      k++
    }
    this.seen[i] = k
    if (t >= this.warmupS) this.checks++
    return k > first
  }

  private record(importance: number, delay: number) {
    this.weighted += importance * delay
    this.weights += importance
    this.plain += delay
    this.count++
    this.byLevel[importance].sum += importance * delay
    this.byLevel[importance].n += importance
  }

  finish(endS: number): PolicyResult {
    let unseen = 0
    this.events.forEach((event, i) => {
      for (let k = this.seen[i]; k < event.changes.length; k++) {
        if (event.changes[k] < this.warmupS) continue
        this.record(event.importance, endS - event.changes[k])
        unseen++
      }
    })
    const level = (n: number) =>
      this.byLevel[n].n ? this.byLevel[n].sum / this.byLevel[n].n : null
    return {
      staleness: this.weights ? this.weighted / this.weights : 0,
      meanStaleness: this.count ? this.plain / this.count : 0,
      stalenessByImportance: { 1: level(1), 2: level(2), 3: level(3), 4: level(4), 5: level(5) },
      checks: this.checks,
      unseenAtEnd: unseen,
    }
  }
}

/** Refills `quota × tickS` tokens a tick, keeping at most one tick's worth (at least 1). */
class TokenBucket {
  private tokens = 0
  private readonly cap: number
  constructor(private readonly perTick: number) {
    this.cap = Math.max(1, perTick)
  }
  refill() {
    this.tokens = Math.min(this.cap, this.tokens + this.perTick)
    return Math.floor(this.tokens + 1e-9)
  }
  spend(n: number) {
    this.tokens -= n
  }
}

function runRoundRobin(events: SimEvent[], options: SimulationOptions): PolicyResult {
  const ledger = new Ledger(events, options.warmupS)
  const bucket = new TokenBucket(options.quota * options.tickS)
  const endS = options.warmupS + options.durationS
  let cursor = 0
  for (let t = 0; t < endS; t += options.tickS) {
    const budget = bucket.refill()
    let used = 0
    /** At most one lap per tick, so a world of dead events cannot spin */
    for (let step = 0; used < budget && step < events.length; step++) {
      const i = cursor
      cursor = (cursor + 1) % events.length
      if (!isLive(events[i], t)) continue
      ledger.check(i, t)
      used++
    }
    bucket.spend(used)
  }
  return ledger.finish(endS)
}

interface PlannerState extends DueCandidate {
  index: number
  intervalMs: number
  /** The interval at quota scale 1: what this pair asks of the quota */
  baseIntervalMs: number
  volatility: number
  stopped: boolean
}

function planInput(event: SimEvent, state: PlannerState, t: number): PlanInput {
  return {
    importance: event.importance,
    watchers: event.watchers,
    startsAt: new Date(EPOCH_MS + event.startsAtS * 1000),
    onsaleAt: new Date(EPOCH_MS + event.onsaleAtS * 1000),
    status: statusAt(event, t),
    volatility: state.volatility,
    consecutiveFailures: 0,
  }
}

/** The quota scale from what the live pairs ask for (as the shell would, once a minute). */
function fitScale(states: PlannerState[], quota: number) {
  let demand = 0
  for (const state of states)
    if (!state.stopped && state.baseIntervalMs > 0) demand += 1000 / state.baseIntervalMs
  return quotaScale(demand, quota)
}

function runPlanner(events: SimEvent[], options: SimulationOptions): PolicyResult {
  const ledger = new Ledger(events, options.warmupS)
  const bucket = new TokenBucket(options.quota * options.tickS)
  const endS = options.warmupS + options.durationS
  const random = mulberry32(options.seed ^ 0x9e3779b9)
  const start = new Date(EPOCH_MS)
  /** Staggered first checks, as in a running system: somewhere within each pair's first interval */
  const states: PlannerState[] = events.map((event, index) => {
    const state: PlannerState = {
      index,
      sourceId: index,
      platform: PLATFORM,
      nextCheckAt: start,
      priority: 0,
      intervalMs: 0,
      baseIntervalMs: 0,
      volatility: UNKNOWN_VOLATILITY,
      stopped: false,
    }
    const base = intervalFor(planInput(event, state, 0), start).intervalMs
    if (base === null) state.stopped = true
    else state.baseIntervalMs = base
    return state
  })
  let scale = fitScale(states, options.quota)
  for (const state of states) {
    if (state.stopped) continue
    state.intervalMs =
      intervalFor(planInput(events[state.index], state, 0), start, scale).intervalMs ?? 0
    state.nextCheckAt = new Date(EPOCH_MS + Math.floor(random() * state.intervalMs))
  }
  const quotas = { [PLATFORM]: { perSecond: 0, remainingToday: null } }
  const windowMs = options.tickS * 1000
  const due: PlannerState[] = []
  for (let t = 0; t < endS; t += options.tickS) {
    const nowMs = EPOCH_MS + t * 1000
    const now = new Date(nowMs)
    if (t > 0 && t % RESCALE_EVERY_S < options.tickS) scale = fitScale(states, options.quota)
    const budget = bucket.refill()
    if (budget === 0) continue
    due.length = 0
    for (const state of states) {
      if (state.stopped || state.nextCheckAt.getTime() > nowMs) continue
      state.priority = priorityOf(
        {
          importance: events[state.index].importance,
          nextCheckAt: state.nextCheckAt,
          intervalMs: state.intervalMs,
        },
        now
      )
      due.push(state)
    }
    if (due.length === 0) continue
    quotas[PLATFORM].perSecond = budget / options.tickS
    const chosen = planDueChecks(due, quotas, now, windowMs)
    for (const state of chosen) {
      const changed = ledger.check(state.index, t)
      state.volatility += VOLATILITY_ALPHA * ((changed ? 1 : 0) - state.volatility)
      const input = planInput(events[state.index], state, t)
      const base = intervalFor(input, now).intervalMs
      if (base === null) {
        state.stopped = true
        continue
      }
      state.baseIntervalMs = base
      state.intervalMs = intervalFor(input, now, scale).intervalMs ?? base
      state.nextCheckAt = new Date(nowMs + state.intervalMs)
    }
    bucket.spend(chosen.length)
  }
  return ledger.finish(endS)
}

/** Runs both policies on the same world and compares them. */
export function simulateScheduling(overrides: Partial<SimulationOptions> = {}): SimulationResult {
  const options: SimulationOptions = { ...DEFAULT_SIMULATION, ...overrides }
  for (const key of ['events', 'quota', 'durationS', 'tickS'] as const) {
    if (!(options[key] > 0))
      throw new RangeError(`${key} must be a positive number, got ${options[key]}`)
  }
  if (!(options.warmupS >= 0))
    throw new RangeError(`warmupS must be zero or more, got ${options.warmupS}`)
  const events = generateWorld(options)
  let changes = 0
  for (const event of events) for (const t of event.changes) if (t >= options.warmupS) changes++
  const roundRobin = runRoundRobin(events, options)
  const planner = runPlanner(events, options)
  return {
    options,
    changes,
    roundRobin,
    planner,
    ratio: planner.staleness > 0 ? roundRobin.staleness / planner.staleness : Infinity,
  }
}
