/**
 * The monitoring runtime: the one loop that keeps checks flowing, the same in
 * every topology. It runs inside `npm start` (the embedded mode,
 * start/embedded.ts) and as a process role of its own in the scaled mode
 * (`node build/ace.js monitor:run`, commands/monitor_run.ts).
 *
 * Exactly one runtime is the dispatcher at a time: it holds a lease, a lock
 * with an expiry in the lock store (`LOCK_STORE`: Redis `SET NX PX` in the
 * scaled mode, a row of the `locks` table otherwise), renewed every
 * RENEW_MS. The others stand by and try to take the lease every ACQUIRE_MS;
 * a dispatcher killed outright stops renewing, its lease runs out after
 * LEASE_MS and a standby takes over: within LEASE_MS + ACQUIRE_MS (12 s).
 * A dispatcher that cannot renew (the store is away) stops dispatching
 * before its lease can have run out, so two never dispatch at once.
 *
 * What the dispatcher does, each on its own period:
 * - due checks handed to the queue (dispatchDueChecks), every TICK_MS;
 * - each platform's interval scale (rescaleIntervals), every minute;
 * - the alert outbox swept (sweepOutbox): a row whose worker died between
 *   the market write and the alert is evaluated after OUTBOX_GRACE_MS,
 *   looked for every SWEEP_MS, together with alerts never notified;
 * - the recurring schedules (notification and purchase sweeps, digests,
 *   reconciliation…) declared again when missing, every SCHEDULES_MS.
 */
import { hostname } from 'node:os'
import logger from '@adonisjs/core/services/logger'
import lock from '@adonisjs/lock/services/main'

export const LEASE_NAME = 'monitor:dispatcher'
export const LEASE_MS = 10_000
export const RENEW_MS = 3_000
export const ACQUIRE_MS = 2_000
export const SWEEP_MS = 2_000
export const OUTBOX_GRACE_MS = 5_000
export const RESCALE_MS = 60_000
export const SCHEDULES_MS = 30_000
/** A lease operation that takes longer than this counts as failed. */
const STORE_TIMEOUT_MS = 2_000
/** A dispatcher stops this long before its lease would run out if it cannot renew. */
const SAFETY_MS = 2_000
/** A task that has run this long is logged as stuck. */
const STUCK_MS = 10_000

type LeaseLock = ReturnType<typeof lock.createLock>
export type Task = 'rescale' | 'sweep' | 'schedules'

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

export interface MonitorRuntimeOptions {
  /** Who holds the lease, in log lines (default `monitor@host:pid`). */
  holder?: string
  /** Runs after each dispatcher tick (the embedded mode prepares its demo purchase here). */
  afterTick?: () => Promise<void>
  /** The tick, and the lease's timings (tests shorten them). */
  tickMs?: number
  lease?: { ttlMs?: number; renewMs?: number; acquireMs?: number }
  /** The lock store of the lease (default: LOCK_STORE's). */
  lockStore?: 'redis' | 'database' | 'memory'
  /** Tasks left out (tests of the lease alone). */
  skip?: Array<Task | 'dispatch'>
}

export class MonitorRuntime {
  readonly holder: string
  #lease: LeaseLock | null = null
  #leaseUntil = 0
  #lastLeaseTry = 0
  #last: Record<Task, number> = { rescale: 0, sweep: 0, schedules: 0 }
  #timer: NodeJS.Timeout | null = null
  #ticking: Promise<void> | null = null
  /** What the tick in hand is doing and since when (a tick stuck on a task is logged). */
  #task = { what: 'idle', since: 0, warned: false }
  #stopped = false
  #tickMs = 500
  #leaseMs: number
  #renewMs: number
  #acquireMs: number
  /** Counts, for logs and tests. */
  readonly stats = { ticks: 0, dispatched: 0, swept: 0, leasesTaken: 0, leasesLost: 0 }

  constructor(private options: MonitorRuntimeOptions = {}) {
    this.holder = options.holder ?? `monitor@${hostname()}:${process.pid}`
    this.#leaseMs = options.lease?.ttlMs ?? LEASE_MS
    this.#renewMs = options.lease?.renewMs ?? RENEW_MS
    this.#acquireMs = options.lease?.acquireMs ?? ACQUIRE_MS
  }

  /** Whether this runtime is the dispatcher now (holds a lease not about to run out). */
  get isLeader() {
    return this.#lease !== null && Date.now() < this.#leaseUntil - this.#safetyMs
  }

  /** A dispatcher stops this long before its lease would run out when it cannot renew. */
  get #safetyMs() {
    return Math.min(SAFETY_MS, this.#leaseMs / 5)
  }

  async start() {
    const { TICK_MS } = await import('#monitoring/due_checks')
    this.#tickMs = this.options.tickMs ?? TICK_MS
    this.#stopped = false
    logger.info('monitoring runtime %s started (standing by for the dispatcher lease)', this.holder)
    this.#timer = setInterval(() => {
      if (this.#stopped) return
      if (this.#ticking) {
        const stuck = Date.now() - this.#task.since
        if (stuck > STUCK_MS && !this.#task.warned) {
          this.#task.warned = true
          logger.warn(
            'monitoring runtime: "%s" has taken %d s (no tick, no lease renewal meanwhile)',
            this.#task.what,
            Math.round(stuck / 1000)
          )
        }
        return
      }
      this.#ticking = this.tick().finally(() => (this.#ticking = null))
    }, this.#tickMs)
    this.#ticking = this.tick().finally(() => (this.#ticking = null))
  }

  /** No new tick; the one in hand finishes; the lease is given back for a standby to take. */
  async stop() {
    this.#stopped = true
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    await this.#ticking
    if (this.#lease) {
      const held = this.#lease
      this.#lease = null
      await withTimeout(held.release(), STORE_TIMEOUT_MS, 'releasing the lease').catch((error) =>
        logger.warn({ err: error }, 'dispatcher lease not released (it runs out)')
      )
      logger.info('dispatcher lease released by %s', this.holder)
    }
  }

  /** One pass: lease first, then whatever task is due. Never throws. */
  async tick(now = Date.now()) {
    this.stats.ticks++
    await this.#keepLease(now)
    if (!this.isLeader || this.#stopped) return
    const skip = new Set(this.options.skip ?? [])
    const due = (task: Task, period: number) => !skip.has(task) && now - this.#last[task] >= period
    await this.#run('rescale intervals', async () => {
      if (!due('rescale', RESCALE_MS)) return
      const { rescaleIntervals } = await import('#monitoring/due_checks')
      await rescaleIntervals()
      this.#last.rescale = now
    })
    await this.#run('schedules', async () => {
      if (!due('schedules', SCHEDULES_MS)) return
      const { ensureSchedules } = await import('#monitoring/schedules')
      await ensureSchedules()
      this.#last.schedules = now
    })
    if (!this.isLeader) return
    await this.#run('check dispatch', async () => {
      if (skip.has('dispatch')) return
      const { dispatchDueChecks } = await import('#monitoring/due_checks')
      this.stats.dispatched += await dispatchDueChecks()
    })
    await this.#run('outbox sweep', async () => {
      if (!due('sweep', SWEEP_MS) || !this.isLeader) return
      const { sweepOutbox } = await import('#alerts/alert_service')
      const swept = await sweepOutbox(new Date(), OUTBOX_GRACE_MS)
      this.#last.sweep = now
      this.stats.swept += swept
      if (swept) logger.warn('outbox sweep: %d check(s) evaluated after their worker', swept)
    })
    if (this.options.afterTick) await this.#run('after tick', this.options.afterTick)
  }

  async #run(what: string, task: () => Promise<void>) {
    this.#task = { what, since: Date.now(), warned: false }
    try {
      await task()
    } catch (error) {
      logger.error({ err: error }, 'monitoring runtime: %s failed', what)
    }
  }

  async #keepLease(now: number) {
    this.#task = { what: 'lease', since: Date.now(), warned: false }
    if (this.#lease) {
      if (now - this.#lastLeaseTry < this.#renewMs) return
      this.#lastLeaseTry = now
      try {
        await withTimeout(this.#lease.extend(this.#leaseMs), STORE_TIMEOUT_MS, 'renewing the lease')
        this.#leaseUntil = now + this.#leaseMs
      } catch (error) {
        const notOwned = (error as { code?: string }).code === 'E_LOCK_NOT_OWNED'
        if (notOwned || Date.now() >= this.#leaseUntil - this.#safetyMs) {
          this.#lease = null
          this.#leaseUntil = 0
          this.stats.leasesLost++
          logger.warn({ err: error }, 'dispatcher lease lost by %s: standing by', this.holder)
        } else {
          logger.warn({ err: error }, 'dispatcher lease not renewed (retrying)')
        }
      }
      return
    }
    if (now - this.#lastLeaseTry < this.#acquireMs) return
    this.#lastLeaseTry = now
    const store = this.options.lockStore ? lock.use(this.options.lockStore) : lock
    const candidate = store.createLock(LEASE_NAME, this.#leaseMs)
    try {
      const taken = await withTimeout(
        candidate.acquireImmediately(),
        STORE_TIMEOUT_MS,
        'taking the lease'
      )
      if (!taken) return
      this.#lease = candidate
      this.#leaseUntil = now + this.#leaseMs
      this.stats.leasesTaken++
      /** A new dispatcher looks at every period-bound task at once. */
      this.#last = { rescale: 0, sweep: 0, schedules: 0 }
      logger.info('dispatcher lease taken by %s', this.holder)
    } catch (error) {
      logger.warn({ err: error }, 'dispatcher lease: the lock store did not answer')
    }
  }
}
