import type { Clock } from '#connectors/transport/types'
import { systemClock } from '#connectors/transport/types'

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit */
  failureThreshold: number
  /** How long it stays open before one probe is let through (half-open) */
  cooldownMs: number
  clock?: Clock
}

type CircuitState =
  { kind: 'closed'; failures: number } | { kind: 'open'; openedAt: number } | { kind: 'half-open' }

export type CircuitDecision = { allowed: true } | { allowed: false; retryAfterMs: number }

/** One breaker per source key: open → calls fail fast without touching the network. */
export class CircuitBreaker {
  readonly #options: Required<CircuitBreakerOptions>
  readonly #circuits = new Map<string, CircuitState>()

  constructor(options: Partial<CircuitBreakerOptions> = {}) {
    this.#options = {
      failureThreshold: options.failureThreshold ?? 5,
      cooldownMs: options.cooldownMs ?? 30_000,
      clock: options.clock ?? systemClock,
    }
  }

  check(key: string): CircuitDecision {
    const state = this.#circuits.get(key)
    if (!state || state.kind === 'closed') return { allowed: true }
    if (state.kind === 'half-open')
      return { allowed: false, retryAfterMs: this.#options.cooldownMs }
    const elapsed = this.#options.clock.now() - state.openedAt
    if (elapsed >= this.#options.cooldownMs) {
      this.#circuits.set(key, { kind: 'half-open' })
      return { allowed: true }
    }
    return { allowed: false, retryAfterMs: this.#options.cooldownMs - elapsed }
  }

  recordSuccess(key: string): void {
    this.#circuits.set(key, { kind: 'closed', failures: 0 })
  }

  recordFailure(key: string): void {
    const state = this.#circuits.get(key) ?? { kind: 'closed', failures: 0 }
    if (state.kind === 'half-open') {
      this.#circuits.set(key, { kind: 'open', openedAt: this.#options.clock.now() })
      return
    }
    if (state.kind === 'open') return
    const failures = state.failures + 1
    this.#circuits.set(
      key,
      failures >= this.#options.failureThreshold
        ? { kind: 'open', openedAt: this.#options.clock.now() }
        : { kind: 'closed', failures }
    )
  }

  state(key: string): 'closed' | 'open' | 'half-open' {
    return this.#circuits.get(key)?.kind ?? 'closed'
  }
}
