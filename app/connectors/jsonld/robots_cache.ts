import type { HttpTransport } from '#connectors/transport/http_transport'
import type { Clock, WaitListener } from '#connectors/transport/types'
import { systemClock } from '#connectors/transport/types'
import { detectChallenge } from '#connectors/transport/challenge'
import { ROBOTS_PRODUCT_TOKEN } from '#connectors/transport/user_agent'
import { ConnectorError, RateLimited } from '#connectors/errors'
import { ROBOTS_MAX_BYTES, allowAll, disallowAll, parseRobots } from '#connectors/jsonld/robots'
import type { RobotsPolicy } from '#connectors/jsonld/robots'

interface Entry {
  policy: RobotsPolicy
  expiresAt: number
  /** The last successfully fetched (2xx) policy, kept while the file is unreachable */
  lastGood: { policy: RobotsPolicy; fetchedAt: number } | null
}

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Fetches robots.txt once per origin and caches it for at most 24 h (RFC
 * 9309 §2.4). Its fetch has a rate-limit bucket of its own (same platform
 * limits, key `<source>:<host>:robots.txt`), so reading the rules never
 * spends the budget of the page they admit.
 */
export class RobotsCache {
  readonly #transport: HttpTransport
  readonly #clock: Clock
  readonly #entries = new Map<string, Entry>()
  readonly #ttlMs: number
  readonly #unreachableTtlMs: number
  readonly #source: string
  readonly #token: string

  constructor(options: {
    transport: HttpTransport
    clock?: Clock
    ttlMs?: number
    unreachableTtlMs?: number
    source?: string
    productToken?: string
  }) {
    this.#transport = options.transport
    this.#clock = options.clock ?? systemClock
    this.#ttlMs = Math.min(options.ttlMs ?? DAY_MS, DAY_MS)
    this.#unreachableTtlMs = options.unreachableTtlMs ?? 10 * 60 * 1000
    this.#source = options.source ?? 'jsonld'
    this.#token = options.productToken ?? ROBOTS_PRODUCT_TOKEN
  }

  async policyFor(
    url: URL,
    wait: { deadlineAt?: number; onWait?: WaitListener } = {}
  ): Promise<RobotsPolicy> {
    const origin = url.origin
    const now = this.#clock.now()
    const cached = this.#entries.get(origin)
    if (cached && cached.expiresAt > now) return cached.policy

    /** Callers asking at once share one fetch */
    let pending = this.#pending.get(origin)
    if (!pending) {
      pending = this.#fetch(origin, now, cached?.lastGood ?? null, wait).finally(() =>
        this.#pending.delete(origin)
      )
      this.#pending.set(origin, pending)
    }
    const entry = await pending
    this.#entries.set(origin, entry)
    return entry.policy
  }

  readonly #pending = new Map<string, Promise<Entry>>()

  async #fetch(
    origin: string,
    now: number,
    lastGood: Entry['lastGood'],
    wait: { deadlineAt?: number; onWait?: WaitListener }
  ): Promise<Entry> {
    let response
    try {
      response = await this.#transport.request({
        source: this.#source,
        sourceKey: `${this.#source}:${new URL(origin).host}:robots.txt`,
        circuitKey: `${this.#source}:${new URL(origin).host}`,
        deadlineAt: wait.deadlineAt,
        onWait: wait.onWait,
        url: `${origin}/robots.txt`,
        expect: 'text',
        authenticated: false,
        rawStatus: true,
        maxRedirects: 5,
        truncateAtBytes: ROBOTS_MAX_BYTES,
        guarded: true,
        endpoint: 'GET /robots.txt',
      })
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error
      /** Our own limiter said "not yet": nothing was learnt about the file, nothing is cached. */
      if (error instanceof RateLimited) throw error
      return this.#unreachable(now, lastGood, `robots.txt unreachable (${error.message})`)
    }
    const { status } = response
    if (status >= 200 && status < 300) {
      const policy = parseRobots(response.text, this.#token)
      return { policy, expiresAt: now + this.#ttlMs, lastGood: { policy, fetchedAt: now } }
    }
    if (status >= 400 && status < 500) {
      const challenge = detectChallenge(response.text, response.headers)
      if (challenge)
        return this.#unreachable(
          now,
          null,
          `robots.txt answered with a ${challenge} (HTTP ${status})`
        )
      return {
        policy: allowAll(`robots.txt unavailable (HTTP ${status}): everything allowed`),
        expiresAt: now + this.#ttlMs,
        lastGood,
      }
    }
    return this.#unreachable(
      now,
      lastGood,
      `robots.txt unreachable (HTTP ${status}): everything disallowed`
    )
  }

  /** 5xx / network failure: complete disallow, unless a copy fetched within 24 h is on hand. */
  #unreachable(now: number, lastGood: Entry['lastGood'], note: string): Entry {
    if (lastGood && now - lastGood.fetchedAt < DAY_MS) {
      return { policy: lastGood.policy, expiresAt: now + this.#unreachableTtlMs, lastGood }
    }
    return { policy: disallowAll(note), expiresAt: now + this.#unreachableTtlMs, lastGood }
  }
}
