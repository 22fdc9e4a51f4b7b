import type { ConnectorError } from '#connectors/errors'

/** Wall clock in epoch milliseconds; injectable so tests never wait. */
export interface Clock {
  now(): number
}

export type Sleep = (ms: number) => Promise<void>

export const systemClock: Clock = { now: () => Date.now() }

export const realSleep: Sleep = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, Math.max(0, ms))
  })

export type QueryValue = string | number | boolean | null | undefined

export type ExpectedBody = 'json' | 'html' | 'text'

/** A raw HTTP answer, before the transport maps its status to an error. */
export interface RawResponse {
  status: number
  /** Lower-cased header names; repeated headers joined with ", " */
  headers: Record<string, string>
  body: Buffer
  text: string
}

export interface TransportResponse extends RawResponse {
  /** Parsed JSON when `expect: 'json'`, otherwise undefined */
  json: unknown
  /** The final URL with secrets redacted (safe to log) */
  safeUrl: string
  /** True when a 304 was answered from the conditional cache */
  fromCache: boolean
}

export interface TransportRequest {
  /** Platform slug: names the source in every error, selects the rate limits */
  source: string
  /** Key for the rate limiter (defaults to `source`) */
  sourceKey?: string
  /**
   * Key for the circuit breaker: the platform (defaults to `source`), so a
   * platform that is down stops being called for every one of its sources.
   * A source spanning many sites (JSON-LD pages) breaks per host.
   */
  circuitKey?: string
  method?: 'GET' | 'POST'
  url: string
  query?: Record<string, QueryValue>
  headers?: Record<string, string>
  body?: string
  expect: ExpectedBody
  /**
   * The request carries a credential: 401/403 mean CredentialRejected. For
   * anonymous requests (public pages) 401/403 mean SourceBlocked. Default true.
   */
  authenticated?: boolean
  /** Send If-None-Match / If-Modified-Since and answer 304 from the cache */
  conditional?: boolean
  /** Endpoint label for errors, e.g. "GET /events/{id}.json" */
  endpoint?: string
  eventRef?: string
  /** Override the idempotency rule (default: GET retries, POST never) */
  retry?: boolean
  /** Read timeout for this request (headers and body), in ms */
  timeoutMs?: number
  /** Follow up to this many redirects (default 0: a 3xx is returned as is) */
  maxRedirects?: number
  /** Called before following a redirect (e.g. the SSRF guard); may throw */
  beforeRedirect?: (url: URL) => Promise<void>
  /** Extra statuses that mean "bot/DoS filter", e.g. SeatGeek's 406 */
  blockedStatuses?: number[]
  /**
   * Platform-specific error mapping for 4xx answers, tried before the
   * generic mapping. Return null to fall through.
   */
  mapError?: (response: RawResponse) => ConnectorError | null
  /**
   * Return every status below 500 to the caller unmapped; 5xx and network
   * failures are still retried (idempotent reads) and end as Unavailable.
   */
  rawStatus?: boolean
  /** Stop reading after this many bytes and keep what was read (robots.txt) */
  truncateAtBytes?: number
  /** Use the SSRF-guarded dispatcher (user-supplied URLs) */
  guarded?: boolean
  /**
   * Epoch ms (transport clock) by which the caller needs an answer: a
   * rate-limit wait or a Retry-After that ends before it is waited (and
   * reported to `onWait`); a longer one is handed back as RateLimited /
   * Unavailable. Without it, waits up to the transport's maxRateWaitMs.
   */
  deadlineAt?: number
  /** Told before each wait the transport decides to sit out (progress for a command) */
  onWait?: WaitListener
}

export interface WaitNotice {
  source: string
  waitMs: number
  /** "per-second limit", "Retry-After", "robots.txt Crawl-delay" */
  reason: string
}

export type WaitListener = (notice: WaitNotice) => void

/** Optional sink for transport logs; URLs given to it are always redacted. */
export interface TransportLogger {
  debug(obj: Record<string, unknown>, msg: string): void
  warn(obj: Record<string, unknown>, msg: string): void
}
