import { pipeline } from 'node:stream'
import type { Readable, Transform } from 'node:stream'
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib'
import { Agent, request as undiciRequest } from 'undici'
import type { Dispatcher } from 'undici'
import {
  ConnectorError,
  CredentialRejected,
  InvalidPayload,
  RateLimited,
  SourceBlocked,
  Unavailable,
} from '#connectors/errors'
import { CircuitBreaker } from '#connectors/transport/circuit_breaker'
import type { CircuitBreakerOptions } from '#connectors/transport/circuit_breaker'
import { ConditionalCache } from '#connectors/transport/conditional_cache'
import { detectChallenge, looksLikeHtml } from '#connectors/transport/challenge'
import { InMemoryRateLimiter, parseQuotaHeaders } from '#connectors/transport/rate_limiter'
import type { RateLimiter, RateLimits } from '#connectors/transport/rate_limiter'
import { describeUrl, redactUrl } from '#connectors/transport/redact'
import { backoffDelay, parseRetryAfter } from '#connectors/transport/retry_after'
import { realSleep, systemClock } from '#connectors/transport/types'
import { recordPlatformRequest } from '#monitoring/metrics'
import type {
  Clock,
  RawResponse,
  Sleep,
  TransportLogger,
  TransportRequest,
  TransportResponse,
} from '#connectors/transport/types'

export interface HttpTransportOptions {
  /** Built with honestUserAgent(version, instanceUrl); fixed for the process */
  userAgent: string
  connectTimeoutMs?: number
  /** Default read timeout (response headers, then gaps in the body) */
  readTimeoutMs?: number
  /** Largest body accepted, counted after decompression (default 16 MiB) */
  maxBodyBytes?: number
  retry?: { maxRetries?: number; baseDelayMs?: number; maxDelayMs?: number }
  breaker?: Partial<Omit<CircuitBreakerOptions, 'clock'>>
  rateLimiter?: RateLimiter
  /** Limits per platform slug (the `source` of a request) */
  limits?: Record<string, RateLimits>
  /**
   * Without a request deadline, wait for a per-second token (or a 5xx's
   * Retry-After) up to this long; beyond it, RateLimited / Unavailable is thrown
   */
  maxRateWaitMs?: number
  conditionalCache?: { maxEntries?: number; maxBodyBytes?: number }
  clock?: Clock
  sleep?: Sleep
  random?: () => number
  /** Dispatcher for ordinary API calls (defaults to an Agent with the timeouts above) */
  dispatcher?: Dispatcher
  /** Dispatcher for user-supplied URLs (`guarded: true`), e.g. SsrfGuard.createDispatcher() */
  guardedDispatcher?: Dispatcher
  logger?: TransportLogger
}

/** Thrown internally for failures worth a retry (5xx, timeout, reset, truncated body). */
class RetryableFailure extends Error {
  constructor(
    readonly final: ConnectorError,
    readonly retryAfterMs: number | null = null
  ) {
    super(final.message)
  }
}

class BodyTooLarge extends Error {}
class UndecodableBody extends Error {}

const NETWORK_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

/**
 * The one HTTP call site of every connector (CONVENTIONS §5): honest
 * User-Agent, timeouts, gzip/br, conditional requests, per-platform rate
 * limits and quotas, Retry-After, a circuit breaker per platform, and
 * retries with jittered backoff for idempotent reads only.
 */
export class HttpTransport {
  readonly userAgent: string
  readonly rateLimiter: RateLimiter
  readonly breaker: CircuitBreaker
  readonly #options: HttpTransportOptions
  readonly #clock: Clock
  readonly #sleep: Sleep
  readonly #random: () => number
  readonly #dispatcher: Dispatcher
  readonly #cache: ConditionalCache
  readonly #limits = new Map<string, RateLimits>()

  constructor(options: HttpTransportOptions) {
    if (!/^HDTickets\/\S+ \(\+https?:\/\/[^)]+\)$/.test(options.userAgent)) {
      throw new Error(
        'HttpTransport needs the honest User-Agent built by honestUserAgent(version, instanceUrl)'
      )
    }
    this.userAgent = options.userAgent
    this.#options = options
    this.#clock = options.clock ?? systemClock
    this.#sleep = options.sleep ?? realSleep
    this.#random = options.random ?? Math.random
    this.rateLimiter = options.rateLimiter ?? new InMemoryRateLimiter({ clock: this.#clock })
    this.breaker = new CircuitBreaker({ ...options.breaker, clock: this.#clock })
    this.#cache = new ConditionalCache(options.conditionalCache)
    this.#dispatcher =
      options.dispatcher ??
      new Agent({
        connectTimeout: options.connectTimeoutMs ?? 5_000,
        headersTimeout: options.readTimeoutMs ?? 15_000,
        bodyTimeout: options.readTimeoutMs ?? 15_000,
      })
    for (const [source, limits] of Object.entries(options.limits ?? {}))
      this.#limits.set(source, limits)
  }

  /** Limits can change at run time (an admin edits the platforms table). */
  setLimits(source: string, limits: RateLimits): void {
    this.#limits.set(source, limits)
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    const key = req.sourceKey ?? req.source
    /** One circuit per platform (shared by every worker), not per source. */
    const circuitKey = req.circuitKey ?? req.source
    const circuit = await this.breaker.check(circuitKey)
    if (!circuit.allowed) {
      throw new Unavailable(
        req.source,
        'circuit open: too many calls to this platform failed recently',
        circuit.retryAfterMs
      )
    }

    const method = req.method ?? 'GET'
    const retryable = req.retry ?? method === 'GET'
    const maxRetries = retryable ? (this.#options.retry?.maxRetries ?? 2) : 0

    for (let attempt = 0; ; attempt++) {
      await this.#acquire(req, key)
      try {
        const response = await this.#once(req, method)
        this.breaker.recordSuccess(circuitKey)
        return response
      } catch (error) {
        if (!(error instanceof RetryableFailure)) {
          if (!(error instanceof Unavailable)) this.breaker.recordSuccess(circuitKey)
          throw error
        }
        if (attempt >= maxRetries) {
          this.breaker.recordFailure(circuitKey)
          throw error.final
        }
        const maxDelay = this.#options.retry?.maxDelayMs ?? 5_000
        const delay = backoffDelay(
          attempt,
          this.#options.retry?.baseDelayMs ?? 250,
          maxDelay,
          this.#random
        )
        const wait = Math.max(delay, error.retryAfterMs ?? 0)
        /** A Retry-After longer than the caller can wait goes back to the caller (the scheduler honours it). */
        if (wait > Math.max(maxDelay, this.#waitBudget(req))) {
          this.breaker.recordFailure(key)
          throw error.final
        }
        this.#options.logger?.debug(
          { source: req.source, attempt: attempt + 1, delayMs: wait, reason: error.final.message },
          'retrying idempotent request'
        )
        if (error.retryAfterMs !== null && error.retryAfterMs >= delay)
          req.onWait?.({ source: req.source, waitMs: wait, reason: 'Retry-After' })
        await this.#sleep(wait)
      }
    }
  }

  /** How long this request may still wait: up to its deadline, else the transport's default. */
  #waitBudget(req: TransportRequest): number {
    if (req.deadlineAt !== undefined) return Math.max(0, req.deadlineAt - this.#clock.now())
    return this.#options.maxRateWaitMs ?? 2_000
  }

  /**
   * A per-second token: waited for when the wait ends within the request's
   * budget (its deadline, else maxRateWaitMs), else RateLimited. Daily and
   * platform quotas are never waited for (hours).
   */
  async #acquire(req: TransportRequest, key: string): Promise<void> {
    const limits = this.#limits.get(req.source)
    if (!limits) return
    for (;;) {
      const decision = await this.rateLimiter.tryAcquire(key, limits)
      if (decision.granted) {
        recordPlatformRequest(req.source)
        return
      }
      if (decision.reason !== 'per-second' || decision.retryAfterMs > this.#waitBudget(req)) {
        throw new RateLimited(
          req.source,
          decision.retryAfterMs,
          `local ${decision.reason} limit reached`
        )
      }
      req.onWait?.({
        source: req.source,
        waitMs: decision.retryAfterMs,
        reason: 'per-second limit',
      })
      /**
       * One millisecond more than asked: a timer may fire up to a millisecond
       * before the wall clock the limiter counts with has moved on that far,
       * and the bucket would then ask for a second, 1 ms wait (and a second
       * notice to the person waiting).
       */
      await this.#sleep(decision.retryAfterMs + 1)
    }
  }

  async #once(req: TransportRequest, method: 'GET' | 'POST'): Promise<TransportResponse> {
    let url = buildUrl(req.url, req.query)
    const cacheKey = `${method} ${url.toString()}`
    const useCache = req.conditional === true && method === 'GET'

    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = {
        'accept': acceptFor(req.expect),
        'accept-encoding': 'gzip, br, deflate',
        ...(req.headers ?? {}),
        ...(useCache && hop === 0 ? this.#cache.validatorHeaders(cacheKey) : {}),
        'user-agent': this.userAgent,
      }
      const raw = await this.#send(req, method, url, headers)
      await this.#observeQuota(req, raw.headers)

      if (
        raw.status >= 300 &&
        raw.status < 400 &&
        raw.status !== 304 &&
        hop < (req.maxRedirects ?? 0)
      ) {
        const location = raw.headers['location']
        if (location) {
          const next = new URL(location, url)
          if (next.protocol !== 'http:' && next.protocol !== 'https:') {
            throw new SourceBlocked(
              req.source,
              `redirect to a non-http(s) URL refused (${next.protocol})`,
              'redirect'
            )
          }
          if (req.beforeRedirect) await req.beforeRedirect(next)
          url = next
          continue
        }
      }

      if (raw.status === 304 && useCache) {
        const cached = this.#cache.get(cacheKey)
        if (cached) {
          const text = cached.body.toString('utf8')
          return this.#finish(
            req,
            { status: cached.status, headers: cached.headers, body: cached.body, text },
            url,
            true
          )
        }
      }
      if (req.rawStatus) {
        if (raw.status >= 500) {
          const retryAfterMs = parseRetryAfter(raw.headers['retry-after'], this.#clock.now())
          throw new RetryableFailure(
            new Unavailable(
              req.source,
              `HTTP ${raw.status} from ${req.endpoint ?? describeUrl(url)}`,
              retryAfterMs
            ),
            retryAfterMs
          )
        }
        return { ...raw, json: undefined, safeUrl: redactUrl(url), fromCache: false }
      }

      this.#raiseForStatus(req, raw)
      if (useCache && raw.status === 200) this.#cache.store(cacheKey, raw)
      return this.#finish(req, raw, url, false)
    }
  }

  async #send(
    req: TransportRequest,
    method: 'GET' | 'POST',
    url: URL,
    headers: Record<string, string>
  ): Promise<RawResponse> {
    const dispatcher = req.guarded ? this.#options.guardedDispatcher : this.#dispatcher
    if (!dispatcher)
      throw new Error('a guarded request needs HttpTransport.guardedDispatcher (the SSRF guard)')
    const where = describeUrl(url)
    let response: Dispatcher.ResponseData
    try {
      response = await undiciRequest(url, {
        method,
        headers,
        body: req.body,
        dispatcher,
        ...(req.timeoutMs ? { headersTimeout: req.timeoutMs, bodyTimeout: req.timeoutMs } : {}),
      })
    } catch (error) {
      throw this.#networkFailure(req, error, `${method} ${where}`)
    }

    const responseHeaders = flattenHeaders(response.headers)
    const encoding = responseHeaders['content-encoding']
    let body: Buffer
    try {
      body = await readBody(
        response.body,
        encoding,
        this.#options.maxBodyBytes ?? 16 * 1024 * 1024,
        req.truncateAtBytes
      )
    } catch (error) {
      if (error instanceof BodyTooLarge || error instanceof UndecodableBody) {
        throw new InvalidPayload({
          source: req.source,
          endpoint: req.endpoint ?? where,
          eventRef: req.eventRef,
          path: '$',
          reason: error.message,
        })
      }
      const final = new InvalidPayload({
        source: req.source,
        endpoint: req.endpoint ?? where,
        eventRef: req.eventRef,
        path: '$',
        reason: `truncated body (${errorCode(error) ?? 'connection closed mid-body'})`,
      })
      throw new RetryableFailure(final)
    }

    this.#options.logger?.debug(
      { source: req.source, url: redactUrl(url), status: response.statusCode },
      'http'
    )
    return {
      status: response.statusCode,
      headers: responseHeaders,
      body,
      text: body.toString('utf8'),
    }
  }

  #networkFailure(req: TransportRequest, error: unknown, where: string): Error {
    if (error instanceof ConnectorError) return error
    const code = errorCode(error)
    if (code && (NETWORK_CODES.has(code) || code.startsWith('UND_ERR'))) {
      const detail = code.includes('TIMEOUT') ? `timeout (${code})` : `network failure (${code})`
      return new RetryableFailure(
        new Unavailable(req.source, `${detail} on ${where}`, null, { cause: error })
      )
    }
    return new RetryableFailure(
      new Unavailable(
        req.source,
        `request failed on ${where}: ${error instanceof Error ? error.message : 'unknown'}`,
        null,
        {
          cause: error,
        }
      )
    )
  }

  async #observeQuota(req: TransportRequest, headers: Record<string, string>): Promise<void> {
    const observation = parseQuotaHeaders(headers, this.#clock.now())
    if (observation) await this.rateLimiter.observe(req.sourceKey ?? req.source, observation)
  }

  #raiseForStatus(req: TransportRequest, raw: RawResponse): void {
    const { status } = raw
    if (status >= 200 && status < 300) return
    const challenge = looksLikeHtml(raw.text, raw.headers['content-type'])
      ? detectChallenge(raw.text, raw.headers)
      : null
    const cfMitigated = detectChallenge('', raw.headers)
    if (challenge || cfMitigated)
      throw new SourceBlocked(req.source, `${challenge ?? cfMitigated} (HTTP ${status})`)
    if (req.blockedStatuses?.includes(status)) {
      throw new SourceBlocked(
        req.source,
        `HTTP ${status} from the platform's edge (bot/DoS filter)`
      )
    }
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(raw.headers['retry-after'], this.#clock.now())
      const mapped = req.mapError?.(raw)
      /** A platform mapping that did not read Retry-After still gets it (one reader for all). */
      if (mapped instanceof RateLimited && mapped.retryAfterMs === null && retryAfterMs !== null)
        throw new RateLimited(mapped.source, retryAfterMs, mapped.detail)
      if (mapped) throw mapped
      throw new RateLimited(req.source, retryAfterMs)
    }
    if (status >= 500) {
      const retryAfterMs = parseRetryAfter(raw.headers['retry-after'], this.#clock.now())
      throw new RetryableFailure(
        new Unavailable(
          req.source,
          `HTTP ${status} from ${req.endpoint ?? 'the platform'}`,
          retryAfterMs
        ),
        retryAfterMs
      )
    }
    if (status >= 400) {
      const mapped = req.mapError?.(raw)
      if (mapped) throw mapped
      if (status === 401 || status === 403) {
        if (req.authenticated === false)
          throw new SourceBlocked(req.source, `access denied (HTTP ${status})`, 'denied')
        throw new CredentialRejected(req.source, `credential rejected (HTTP ${status})`)
      }
    }
  }

  #finish(
    req: TransportRequest,
    raw: RawResponse,
    url: URL,
    fromCache: boolean
  ): TransportResponse {
    const base = { ...raw, safeUrl: redactUrl(url), fromCache }
    if (req.expect !== 'json' || raw.status < 200 || raw.status >= 300 || raw.status === 204) {
      return { ...base, json: req.expect === 'json' ? parseJsonOrUndefined(raw.text) : undefined }
    }
    return { ...base, json: this.#parseJson(req, raw) }
  }

  #parseJson(req: TransportRequest, raw: RawResponse): unknown {
    const endpoint = req.endpoint ?? null
    if (looksLikeHtml(raw.text, raw.headers['content-type'])) {
      const challenge = detectChallenge(raw.text, raw.headers)
      if (challenge)
        throw new SourceBlocked(req.source, `${challenge} instead of JSON (HTTP ${raw.status})`)
      throw new InvalidPayload({
        source: req.source,
        endpoint,
        eventRef: req.eventRef,
        path: '$',
        reason: 'expected JSON, got HTML',
      })
    }
    try {
      return JSON.parse(raw.text)
    } catch (error) {
      throw new InvalidPayload({
        source: req.source,
        endpoint,
        eventRef: req.eventRef,
        path: '$',
        reason: `malformed JSON (${error instanceof Error ? error.message : 'parse error'})`,
      })
    }
  }

  /** Closes the dispatchers this transport uses (the guarded one included). */
  async close(): Promise<void> {
    if (!this.#options.dispatcher) await this.#dispatcher.close()
    await this.#options.guardedDispatcher?.close()
  }
}

function buildUrl(base: string, query: TransportRequest['query']): URL {
  const url = new URL(base)
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue
    url.searchParams.set(name, String(value))
  }
  return url
}

function acceptFor(expect: TransportRequest['expect']): string {
  if (expect === 'json') return 'application/json, application/hal+json;q=0.9'
  if (expect === 'html') return 'text/html, application/xhtml+xml;q=0.9'
  return 'text/plain, */*;q=0.5'
}

function flattenHeaders(
  headers: Record<string, string | string[] | undefined>
): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}

const MIB = 1024 * 1024
const size = (bytes: number) =>
  bytes >= MIB && bytes % MIB === 0 ? `${bytes / MIB} MiB` : `${bytes} bytes`

/** The decoders for a Content-Encoding, in the order they undo it (codings are listed as applied). */
function decodersFor(encoding: string | undefined, firstByte: number | undefined): Transform[] {
  if (!encoding) return []
  const decoders: Transform[] = []
  const codings = encoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity')
    .reverse()
  for (const [index, coding] of codings.entries()) {
    if (coding === 'gzip' || coding === 'x-gzip') decoders.push(createGunzip())
    else if (coding === 'br') decoders.push(createBrotliDecompress())
    else if (coding === 'deflate')
      /** HTTP "deflate" is zlib-wrapped (RFC 9110); some servers send it raw: the first byte tells. */
      decoders.push(
        index === 0 && firstByte !== undefined && (firstByte & 0x0f) !== 8
          ? createInflateRaw()
          : createInflate()
      )
    else throw new UndecodableBody(`unsupported content-encoding ${coding}`)
  }
  return decoders
}

/**
 * Reads a body, decompressing gzip / deflate / br on the fly. The size cap
 * applies to the decompressed bytes (and to the bytes on the wire): the
 * reader stops, and the connection is dropped, as soon as either crosses
 * it, so a small compressed body cannot expand into memory. `truncateAt`
 * keeps the first N decompressed bytes and stops (robots.txt).
 */
async function readBody(
  body: Readable,
  encoding: string | undefined,
  max: number,
  truncateAt?: number
): Promise<Buffer> {
  const iterator = body[Symbol.asyncIterator]()
  const first = await iterator.next()
  if (first.done) return Buffer.alloc(0)
  const head = Buffer.isBuffer(first.value) ? first.value : Buffer.from(first.value)
  let decoders: Transform[]
  try {
    decoders = decodersFor(encoding, head[0])
  } catch (error) {
    body.destroy()
    throw error
  }

  let wire = 0
  let wireError: unknown = null
  async function* fromWire() {
    for (let chunk = head; ;) {
      wire += chunk.length
      if (wire > max) throw new BodyTooLarge(`body larger than ${size(max)}`)
      yield chunk
      let next: IteratorResult<Buffer | Uint8Array>
      try {
        next = await iterator.next()
      } catch (error) {
        wireError = error
        throw error
      }
      if (next.done) return
      chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value)
    }
  }

  let decodeError: Error | null = null
  for (const decoder of decoders)
    decoder.once('error', (error) => {
      decodeError ??= error
    })
  const source: AsyncIterable<Buffer> =
    decoders.length === 0
      ? fromWire()
      : (pipeline([fromWire, ...decoders] as never, () => {}) as unknown as Readable)

  const chunks: Buffer[] = []
  let total = 0
  try {
    for await (const raw of source) {
      const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw)
      total += chunk.length
      chunks.push(chunk)
      if (truncateAt !== undefined && total >= truncateAt) {
        return Buffer.concat(chunks).subarray(0, truncateAt)
      }
      if (total > max) {
        throw new BodyTooLarge(
          decoders.length
            ? `body larger than ${size(max)} once decompressed (${encoding})`
            : `body larger than ${size(max)}`
        )
      }
    }
  } catch (error) {
    if (error instanceof BodyTooLarge) throw error
    if (wireError) throw wireError
    if (decodeError) throw new UndecodableBody(`body could not be decompressed (${encoding})`)
    throw error
  } finally {
    body.destroy()
    for (const decoder of decoders) decoder.destroy()
  }
  return Buffer.concat(chunks)
}

function errorCode(error: unknown): string | null {
  let current: unknown = error
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown }).cause
  }
  return null
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
