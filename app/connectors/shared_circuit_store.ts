/**
 * Circuits shared by every process through @adonisjs/limiter's store
 * (memory, database or Redis: LIMITER_STORE), as platform rate limits are
 * (shared_rate_limiter.ts): when one worker's calls open a platform's
 * circuit, every worker stops calling it, and one probe in the whole
 * cluster closes it again.
 *
 * Calls and failures are counted per window-long time bucket
 * (`circuit-calls:<platform>:<bucket>`, `circuit-failures:…`), the same
 * buckets in every process; the figures a process acts on are the current
 * bucket's plus the previous one's weighted by how much of it still lies
 * within one window (a sliding-window estimate). `circuit-open:` lives as
 * long as the circuit is open, `circuit-tripped:` until a probe succeeds,
 * `circuit-probe:` is the half-open probe's lease.
 */
import limiter from '@adonisjs/limiter/services/main'
import { errors } from '@adonisjs/limiter'
import type {
  CircuitSnapshot,
  CircuitStore,
  CircuitWindow,
} from '#connectors/transport/circuit_breaker'

/** A tripped circuit nobody probed for a day is forgotten (closed). */
const TRIPPED_SECONDS = 24 * 60 * 60
/** Below the database store's 32-bit `points` column. */
const NO_LIMIT = 2_000_000_000
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000))

export default class SharedCircuitStore implements CircuitStore {
  readonly #windowMs: number
  readonly #now: () => number
  readonly #store: 'memory' | 'database' | 'redis' | undefined

  constructor(
    options: {
      windowMs?: number
      now?: () => number
      /** A limiter store by name; default: LIMITER_STORE */
      store?: 'memory' | 'database' | 'redis'
    } = {}
  ) {
    this.#windowMs = seconds(options.windowMs ?? 60_000) * 1000
    this.#now = options.now ?? Date.now
    this.#store = options.store
  }

  #use(options: { requests: number; duration: number }) {
    return this.#store ? limiter.use(this.#store, options) : limiter.use(options)
  }

  /** Same options every time for each kind of key, so every store (memory included) sees one limiter. */
  #counters() {
    return this.#use({ requests: NO_LIMIT, duration: seconds(2 * this.#windowMs) })
  }

  #flags() {
    return this.#use({ requests: 1, duration: TRIPPED_SECONDS })
  }

  #probe(leaseMs: number) {
    return this.#use({ requests: 1, duration: seconds(leaseMs) })
  }

  #keys(key: string, bucket: number) {
    return {
      calls: `circuit-calls:${key}:${bucket}`,
      failures: `circuit-failures:${key}:${bucket}`,
    }
  }

  async #bucket(key: string, bucket: number): Promise<CircuitWindow> {
    const counters = this.#counters()
    const keys = this.#keys(key, bucket)
    const [calls, failures] = await Promise.all([
      counters.get(keys.calls),
      counters.get(keys.failures),
    ])
    return { attempts: calls?.consumed ?? 0, failures: failures?.consumed ?? 0 }
  }

  /** The current bucket plus the share of the previous one still inside the window. */
  async #estimate(key: string, current: CircuitWindow, bucket: number, now: number) {
    const previous = await this.#bucket(key, bucket - 1)
    const weight = 1 - (now % this.#windowMs) / this.#windowMs
    return {
      attempts: Math.round(current.attempts + previous.attempts * weight),
      failures: Math.round(current.failures + previous.failures * weight),
    }
  }

  async record(key: string, attempts: number, failures: number, windowMs: number) {
    if (seconds(windowMs) * 1000 !== this.#windowMs) {
      throw new Error(
        `SharedCircuitStore counts over ${this.#windowMs} ms windows, not ${windowMs}`
      )
    }
    const now = this.#now()
    const bucket = Math.floor(now / this.#windowMs)
    const counters = this.#counters()
    const keys = this.#keys(key, bucket)
    const [calls, failed] = await Promise.all([
      attempts > 0 ? counters.increment(keys.calls, attempts) : counters.get(keys.calls),
      failures > 0 ? counters.increment(keys.failures, failures) : counters.get(keys.failures),
    ])
    const current = { attempts: calls?.consumed ?? 0, failures: failed?.consumed ?? 0 }
    return this.#estimate(key, current, bucket, now)
  }

  async read(key: string): Promise<CircuitSnapshot> {
    const flags = this.#flags()
    const now = this.#now()
    const bucket = Math.floor(now / this.#windowMs)
    const [open, tripped, current] = await Promise.all([
      flags.get(`circuit-open:${key}`),
      flags.get(`circuit-tripped:${key}`),
      this.#bucket(key, bucket),
    ])
    return {
      openForMs: open && open.remaining <= 0 ? open.availableIn * 1000 : null,
      tripped: Boolean(tripped && tripped.remaining <= 0),
      window: await this.#estimate(key, current, bucket, now),
    }
  }

  /** Counts start afresh once a circuit opens or closes. */
  async #forgetCounts(key: string) {
    const counters = this.#counters()
    const bucket = Math.floor(this.#now() / this.#windowMs)
    await Promise.all(
      [bucket, bucket - 1]
        .flatMap((b) => Object.values(this.#keys(key, b)))
        .map((k) => counters.delete(k))
    )
  }

  async open(key: string, cooldownMs: number) {
    const flags = this.#flags()
    await Promise.all([
      flags.set(`circuit-open:${key}`, 1, seconds(cooldownMs)),
      flags.set(`circuit-tripped:${key}`, 1, TRIPPED_SECONDS),
      this.#forgetCounts(key),
      /** The probe's lease is as long as the cool-down (what the breaker claims it for). */
      this.#probe(cooldownMs).delete(`circuit-probe:${key}`),
    ])
  }

  async claimProbe(key: string, leaseMs: number) {
    try {
      await this.#probe(leaseMs).consume(`circuit-probe:${key}`)
      return true
    } catch (error) {
      if (error instanceof errors.E_TOO_MANY_REQUESTS) return false
      throw error
    }
  }

  async close(key: string) {
    const flags = this.#flags()
    await Promise.all([
      flags.delete(`circuit-open:${key}`),
      flags.delete(`circuit-tripped:${key}`),
      this.#forgetCounts(key),
    ])
  }
}
