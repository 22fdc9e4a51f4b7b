/**
 * One circuit per platform, shared by every process through a store.
 *
 * A per-source streak never trips when each source is retried on its own
 * backoff: a platform that is down then keeps being probed source by
 * source. Here every call to a platform counts in one window per platform
 * (by default 60 s); when at least `minimumRequests` calls were made in it
 * and `failureRate` of them failed, the circuit opens for `cooldownMs` and
 * calls fail fast without touching the network. After the cool-down one
 * call — one in the whole cluster — is let through (half-open): its success
 * closes the circuit, its failure opens it again.
 *
 * Processes keep their outcomes locally and write them to the store at
 * most every `syncMs` (at once when a call failed), and read the circuit's
 * state at most as often: the store sees a few operations per platform and
 * second, not one per call. The store is `MemoryCircuitStore` for one
 * process, or the limiter-backed one (memory, database or Redis) of
 * `#connectors/shared_circuit_store` that the application uses.
 */
import type { Clock } from '#connectors/transport/types'
import { systemClock } from '#connectors/transport/types'

export type CircuitState = 'closed' | 'open' | 'half-open'

export interface CircuitWindow {
  attempts: number
  failures: number
}

export interface CircuitSnapshot {
  /** Milliseconds the circuit stays open, or null when it is not open */
  openForMs: number | null
  /** The circuit opened and has not been closed by a successful probe since */
  tripped: boolean
  /** Calls and failures counted in the current window */
  window: CircuitWindow
}

/** Where circuits live: shared by every process that should see the same ones. */
export interface CircuitStore {
  /** Adds outcomes to the key's current window; answers the window's totals. */
  record(key: string, attempts: number, failures: number, windowMs: number): Promise<CircuitWindow>
  read(key: string): Promise<CircuitSnapshot>
  /** Opens (or re-opens) the circuit for `cooldownMs` and forgets the window. */
  open(key: string, cooldownMs: number): Promise<void>
  /** Takes the single half-open probe for `leaseMs`; false when another holds it. */
  claimProbe(key: string, leaseMs: number): Promise<boolean>
  /** Closes the circuit: counts, flags and probe forgotten. */
  close(key: string): Promise<void>
}

export interface CircuitBreakerOptions {
  /** The window failures are counted over */
  windowMs: number
  /** Calls in the window below which the circuit never opens */
  minimumRequests: number
  /** Share of failed calls in the window (0–1) that opens the circuit */
  failureRate: number
  /** How long it stays open before one probe is let through */
  cooldownMs: number
  /** How often a process writes its counts and reads the shared state */
  syncMs: number
  store: CircuitStore
  clock: Clock
  /** Told when this process opens or closes a circuit */
  onTransition?: (key: string, to: CircuitState, window: CircuitWindow | null) => void
}

export type CircuitDecision = { allowed: true } | { allowed: false; retryAfterMs: number }

interface LocalCircuit {
  attempts: number
  failures: number
  syncedAt: number
  openUntil: number | null
  tripped: boolean
  /** This process holds the half-open probe (since when) */
  probing: boolean
  probeAt: number
  /** Store writes in flight (kept in order) */
  pending: Promise<void>
}

/** The whole circuit in one process's memory: exact for one process, and for tests. */
export class MemoryCircuitStore implements CircuitStore {
  readonly #clock: Clock
  readonly #circuits = new Map<
    string,
    {
      windowStart: number
      windowMs: number
      attempts: number
      failures: number
      openUntil: number | null
      tripped: boolean
      probeUntil: number | null
    }
  >()

  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock
  }

  #get(key: string) {
    let circuit = this.#circuits.get(key)
    if (!circuit) {
      circuit = {
        windowStart: this.#clock.now(),
        windowMs: 0,
        attempts: 0,
        failures: 0,
        openUntil: null,
        tripped: false,
        probeUntil: null,
      }
      this.#circuits.set(key, circuit)
    }
    return circuit
  }

  async record(key: string, attempts: number, failures: number, windowMs: number) {
    const circuit = this.#get(key)
    const now = this.#clock.now()
    if (now - circuit.windowStart >= circuit.windowMs) {
      Object.assign(circuit, { windowStart: now, windowMs, attempts: 0, failures: 0 })
    }
    circuit.attempts += attempts
    circuit.failures += failures
    return { attempts: circuit.attempts, failures: circuit.failures }
  }

  async read(key: string): Promise<CircuitSnapshot> {
    const circuit = this.#get(key)
    const now = this.#clock.now()
    const inWindow = now - circuit.windowStart < circuit.windowMs
    return {
      openForMs:
        circuit.openUntil !== null && circuit.openUntil > now ? circuit.openUntil - now : null,
      tripped: circuit.tripped,
      window: inWindow
        ? { attempts: circuit.attempts, failures: circuit.failures }
        : { attempts: 0, failures: 0 },
    }
  }

  async open(key: string, cooldownMs: number) {
    Object.assign(this.#get(key), {
      openUntil: this.#clock.now() + cooldownMs,
      tripped: true,
      probeUntil: null,
      attempts: 0,
      failures: 0,
    })
  }

  async claimProbe(key: string, leaseMs: number) {
    const circuit = this.#get(key)
    const now = this.#clock.now()
    if (circuit.probeUntil !== null && circuit.probeUntil > now) return false
    circuit.probeUntil = now + leaseMs
    return true
  }

  async close(key: string) {
    this.#circuits.delete(key)
  }
}

export class CircuitBreaker {
  readonly #options: CircuitBreakerOptions
  readonly #circuits = new Map<string, LocalCircuit>()

  constructor(options: Partial<CircuitBreakerOptions> = {}) {
    const clock = options.clock ?? systemClock
    this.#options = {
      windowMs: options.windowMs ?? 60_000,
      minimumRequests: options.minimumRequests ?? 10,
      failureRate: options.failureRate ?? 0.5,
      cooldownMs: options.cooldownMs ?? 30_000,
      syncMs: options.syncMs ?? 1_000,
      store: options.store ?? new MemoryCircuitStore({ clock }),
      clock,
      onTransition: options.onTransition,
    }
  }

  #local(key: string): LocalCircuit {
    let local = this.#circuits.get(key)
    if (!local) {
      local = {
        attempts: 0,
        failures: 0,
        syncedAt: Number.NEGATIVE_INFINITY,
        openUntil: null,
        tripped: false,
        probing: false,
        probeAt: 0,
        pending: Promise.resolve(),
      }
      this.#circuits.set(key, local)
    }
    return local
  }

  /** A write to the store, after the ones before it; a store that fails loses counts, never a call. */
  #write(local: LocalCircuit, write: () => Promise<void>) {
    local.pending = local.pending.then(write).catch(() => {})
    return local.pending
  }

  /** Writes the counts kept since the last sync, and opens the circuit when the window says so. */
  #flush(key: string, local: LocalCircuit) {
    const attempts = local.attempts
    const failures = local.failures
    local.attempts = 0
    local.failures = 0
    return this.#write(local, async () => {
      const { store, windowMs, minimumRequests, failureRate, cooldownMs } = this.#options
      const window = await store.record(key, attempts, failures, windowMs)
      if (
        !local.tripped &&
        window.attempts >= minimumRequests &&
        window.failures / window.attempts >= failureRate
      ) {
        await store.open(key, cooldownMs)
        local.openUntil = this.#options.clock.now() + cooldownMs
        local.tripped = true
        this.#options.onTransition?.(key, 'open', window)
      }
    })
  }

  async #sync(key: string, local: LocalCircuit) {
    const now = this.#options.clock.now()
    const due = now - local.syncedAt >= this.#options.syncMs
    if (local.failures > 0 || (due && local.attempts > 0)) {
      await this.#flush(key, local)
    } else {
      await local.pending
    }
    if (!due && local.syncedAt !== Number.NEGATIVE_INFINITY) return
    try {
      const snapshot = await this.#options.store.read(key)
      local.openUntil = snapshot.openForMs === null ? null : now + snapshot.openForMs
      local.tripped = snapshot.tripped
    } catch {
      /** The store is unreachable: keep what this process knew. */
    }
    local.syncedAt = now
  }

  /** May a call to `key` go out now? */
  async check(key: string): Promise<CircuitDecision> {
    const local = this.#local(key)
    const { cooldownMs, clock, store } = this.#options
    if (local.probing) {
      /** A probe that never reported (refused by a rate limit before it went out) expires. */
      if (clock.now() - local.probeAt < cooldownMs)
        return { allowed: false, retryAfterMs: cooldownMs }
      local.probing = false
    }
    await this.#sync(key, local)
    const now = clock.now()
    if (local.openUntil !== null && local.openUntil > now) {
      return { allowed: false, retryAfterMs: local.openUntil - now }
    }
    if (!local.tripped) return { allowed: true }
    /** Half-open: one probe in the whole cluster. */
    const claimed = await store.claimProbe(key, cooldownMs).catch(() => false)
    if (!claimed || local.probing) return { allowed: false, retryAfterMs: cooldownMs }
    local.probing = true
    local.probeAt = clock.now()
    return { allowed: true }
  }

  recordSuccess(key: string): void {
    const local = this.#local(key)
    if (local.probing) {
      Object.assign(local, { probing: false, tripped: false, openUntil: null })
      Object.assign(local, { attempts: 0, failures: 0 })
      void this.#write(local, () => this.#options.store.close(key))
      this.#options.onTransition?.(key, 'closed', null)
      return
    }
    local.attempts++
  }

  recordFailure(key: string): void {
    const local = this.#local(key)
    if (local.probing) {
      const { cooldownMs, clock } = this.#options
      Object.assign(local, { probing: false, tripped: true, openUntil: clock.now() + cooldownMs })
      void this.#write(local, () => this.#options.store.open(key, cooldownMs))
      this.#options.onTransition?.(key, 'open', null)
      return
    }
    local.attempts++
    local.failures++
  }

  /** The circuit as the store has it (admin pages, metrics). */
  async status(
    key: string
  ): Promise<{ state: CircuitState; retryAfterMs: number | null; window: CircuitWindow }> {
    const snapshot = await this.#options.store.read(key)
    return {
      state: snapshot.openForMs !== null ? 'open' : snapshot.tripped ? 'half-open' : 'closed',
      retryAfterMs: snapshot.openForMs,
      window: snapshot.window,
    }
  }

  /** Writes what this process counted (before a status read, or at shutdown). */
  async flush(): Promise<void> {
    await Promise.all(
      [...this.#circuits].map(([key, local]) =>
        local.attempts > 0 ? this.#flush(key, local) : local.pending
      )
    )
  }

  /** Closes a circuit and forgets it here (an operator, or a test starting clean). */
  async reset(key: string): Promise<void> {
    this.#circuits.delete(key)
    await this.#options.store.close(key)
  }
}
