/**
 * The Ticket Evolution HTTP client: builds URLs, signs every request and maps
 * HTTP outcomes to the typed connector errors. It reaches the network only
 * through an injected `HttpTransport` (bound to the shared transport in the
 * app; `UndiciTransport` below is a minimal stand-in for tests and scripts).
 */
import { retryAfterFrom } from '#connectors/transport/retry_after'
import { Agent, request as undiciRequest } from 'undici'
import {
  ConnectorError,
  CredentialRejected,
  EventGone,
  InvalidPayload,
  OrderRejected,
  RateLimited,
  Unavailable,
} from '#connectors/errors'
import type { Credential } from '#connectors/contract'
import { canonicalQuery, signRequest, type QueryParams } from '#connectors/ticketevolution/signing'
import { parseErrorsMap } from '#connectors/ticketevolution/payloads'

export type HttpMethod = 'GET' | 'POST'

export interface HttpRequest {
  /** The platform slug, named in transport errors */
  source: string
  /** Rate-limit / circuit-breaker key (defaults to `source`) */
  sourceKey?: string
  method: HttpMethod
  url: string
  headers?: Record<string, string>
  body?: string
  /** True for reads the transport may retry; order POSTs are never retried */
  idempotent?: boolean
}

export interface HttpResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/**
 * What this connector needs from the shared transport; `rawHttp(transport)` from
 * #connectors/transport/raw_adapter has exactly this shape. The transport may
 * itself throw `RateLimited` / `Unavailable` (open circuit, timeout, reset);
 * any other outcome is returned as a response and mapped here.
 */
export interface HttpTransport {
  request(req: HttpRequest): Promise<HttpResponse>
}

/** Minimal undici transport: keep-alive, timeouts, honest User-Agent, no retries. */
export class UndiciTransport implements HttpTransport {
  readonly #agent: Agent
  readonly #userAgent: string
  readonly #timeoutMs: number

  constructor(options: { userAgent?: string; timeoutMs?: number; connections?: number } = {}) {
    this.#userAgent = options.userAgent ?? 'HDTickets/0.1 (+https://github.com/hdtickets)'
    this.#timeoutMs = options.timeoutMs ?? 10_000
    this.#agent = new Agent({
      connections: options.connections ?? 128,
      connectTimeout: this.#timeoutMs,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    })
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    try {
      const res = await undiciRequest(req.url, {
        method: req.method,
        headers: { 'user-agent': this.#userAgent, ...req.headers },
        body: req.body,
        dispatcher: this.#agent,
      })
      const body = await res.body.text()
      return { status: res.statusCode, headers: res.headers, body }
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'network error'
      throw new Unavailable(
        req.source,
        `${req.method} ${new URL(req.url).pathname}: ${code}`,
        null,
        {
          cause: error,
        }
      )
    }
  }

  close(): Promise<void> {
    return this.#agent.close()
  }
}

export interface TevoCredential {
  token: string
  secret: string
  officeId: string | null
  clientId: string | null
}

/** Reads the stored credential fields; never echoes their values. */
export function readCredential(source: string, credential: Credential | null): TevoCredential {
  const token = credential?.token?.trim()
  const secret = credential?.secret?.trim()
  if (!token || !secret) throw new CredentialRejected(source, 'no API token/secret linked')
  return {
    token,
    secret,
    officeId: credential?.office_id?.trim() || null,
    clientId: credential?.client_id?.trim() || null,
  }
}

/** What a 404 means for the call being made. */
export type NotFoundMeaning =
  { kind: 'event-gone'; eventRef: string } | { kind: 'null' } | { kind: 'error' }

export interface CallOptions {
  /** Endpoint label for errors, e.g. `GET /v9/listings` (never the full URL) */
  endpoint: string
  eventRef?: string | null
  notFound?: NotFoundMeaning
  /** This call places an order: a 422 becomes `OrderRejected` */
  order?: boolean
  /** Rate-limit / circuit-breaker key for the transport (defaults to the client's source) */
  sourceKey?: string
}

export interface TevoClientOptions {
  source: string
  /** e.g. `https://api.ticketevolution.com` or `http://127.0.0.1:4567` */
  baseUrl: string
  transport: HttpTransport
}

export class TevoClient {
  readonly source: string
  readonly #origin: string
  readonly #host: string
  readonly #basePath: string
  readonly #transport: HttpTransport

  constructor(options: TevoClientOptions) {
    const base = new URL(options.baseUrl)
    this.source = options.source
    this.#origin = base.origin
    this.#host = base.host
    this.#basePath = base.pathname.replace(/\/+$/, '')
    this.#transport = options.transport
  }

  /** Signed GET; returns the parsed JSON, or `null` when a 404 means "none". */
  async get(
    path: string,
    params: QueryParams,
    credential: TevoCredential,
    call: CallOptions
  ): Promise<unknown> {
    const fullPath = this.#basePath + path
    const query = canonicalQuery(params)
    const signature = signRequest(credential.secret, {
      method: 'GET',
      host: this.#host,
      path: fullPath,
      query,
    })
    const res = await this.#transport.request({
      source: this.source,
      sourceKey: call.sourceKey,
      method: 'GET',
      url: `${this.#origin}${fullPath}?${query}`,
      headers: this.#headers(credential, signature),
      idempotent: true,
    })
    return this.#handle(res, call)
  }

  /** Signed POST of `body` (already serialised: the exact bytes are signed). */
  async post(
    path: string,
    body: string,
    credential: TevoCredential,
    call: CallOptions
  ): Promise<{ json: unknown; headers: HttpResponse['headers'] }> {
    const fullPath = this.#basePath + path
    const signature = signRequest(credential.secret, {
      method: 'POST',
      host: this.#host,
      path: fullPath,
      body,
    })
    const res = await this.#transport.request({
      source: this.source,
      sourceKey: call.sourceKey,
      method: 'POST',
      url: `${this.#origin}${fullPath}`,
      headers: { ...this.#headers(credential, signature), 'content-type': 'application/json' },
      body,
      idempotent: false,
    })
    return { json: await this.#handle(res, call), headers: res.headers }
  }

  #headers(credential: TevoCredential, signature: string): Record<string, string> {
    return { 'accept': 'application/json', 'x-token': credential.token, 'x-signature': signature }
  }

  #handle(res: HttpResponse, call: CallOptions): unknown {
    const { status } = res
    if (status >= 200 && status < 300) return parseJson(this.source, res, call)
    if (status === 401 || status === 403) {
      throw new CredentialRejected(
        this.source,
        `credential rejected by ${call.endpoint} (HTTP ${status})`
      )
    }
    if (status === 404) {
      const meaning = call.notFound ?? { kind: 'error' }
      if (meaning.kind === 'event-gone') throw new EventGone(this.source, meaning.eventRef)
      if (meaning.kind === 'null') return null
    }
    if (status === 429) {
      throw new RateLimited(
        this.source,
        retryAfterMs(res.headers),
        `rate limited by ${call.endpoint}`
      )
    }
    if (status >= 500) {
      throw new Unavailable(
        this.source,
        `${call.endpoint} answered HTTP ${status}`,
        retryAfterMs(res.headers)
      )
    }
    if (status === 422 || status === 400) {
      const json = tryJson(res.body)
      const errors = json === undefined ? null : parseErrorsMap(json)
      if (call.order) {
        if (errors && errors.length > 0) {
          const first = errors[0]
          throw new OrderRejected(
            this.source,
            first.field,
            errors.map((e) => `${e.field}: ${e.messages.join(', ')}`).join('; ')
          )
        }
        throw new InvalidPayload({
          source: this.source,
          endpoint: call.endpoint,
          eventRef: call.eventRef ?? null,
          path: 'errors',
          reason: `HTTP ${status} without an errors map`,
        })
      }
      const detail = errors?.length
        ? `: ${errors.map((e) => `${e.field}: ${e.messages.join(', ')}`).join('; ')}`
        : ''
      throw new ConnectorError(
        this.source,
        `${this.source}: ${call.endpoint} refused the request (HTTP ${status})${detail}`
      )
    }
    throw new ConnectorError(
      this.source,
      `${this.source}: ${call.endpoint} answered HTTP ${status}`
    )
  }
}

function header(headers: HttpResponse['headers'], name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

/** Retry-After as delta-seconds or HTTP-date (the shared reader); null when absent or unreadable. */
export function retryAfterMs(
  headers: HttpResponse['headers'],
  nowMs: number = Date.now()
): number | null {
  return retryAfterFrom(headers, nowMs)
}

function tryJson(body: string): unknown {
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}

function parseJson(source: string, res: HttpResponse, call: CallOptions): unknown {
  try {
    return JSON.parse(res.body)
  } catch {
    const type = header(res.headers, 'content-type') ?? 'unknown content type'
    const truncated = res.body.length === 0 ? 'empty body' : `not JSON (${type.split(';')[0]})`
    throw new InvalidPayload({
      source,
      endpoint: call.endpoint,
      eventRef: call.eventRef ?? null,
      path: '$',
      reason: `body is ${truncated}`,
    })
  }
}

/** Headers value helper shared with the connector. */
export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
  return header(headers, name)
}
