import { CredentialRejected, EventGone, InvalidPayload, RateLimited } from '#connectors/errors'
import type { ConnectorError } from '#connectors/errors'
import type { ConnectorContext } from '#connectors/contract'
import type { HttpTransport } from '#connectors/transport/http_transport'
import type { QueryValue, RawResponse } from '#connectors/transport/types'
import { parseResetValue } from '#connectors/transport/rate_limiter'
import { parseRetryAfter } from '#connectors/transport/retry_after'
import type { Clock } from '#connectors/transport/types'

export const TICKETMASTER_BASE_URL = 'https://app.ticketmaster.com/discovery/v2'

/** Which query parameter a Discovery DIS#### code is about (for InvalidPayload.path). */
const DIS_PARAM: Record<string, string> = {
  DIS1015: 'query.startDateTime/endDateTime',
  DIS1035: 'query.page',
  DIS1036: 'query.size',
  DIS1024: 'query',
}

/**
 * Discovery API v2 requests through the shared transport. The API key rides
 * in the query string (`apikey`), which the transport redacts from every log
 * line and error message.
 */
export class TicketmasterClient {
  constructor(
    readonly transport: HttpTransport,
    readonly baseUrl: string = TICKETMASTER_BASE_URL,
    readonly clock: Clock = { now: () => Date.now() }
  ) {}

  async searchEvents(
    query: Record<string, QueryValue>,
    context: ConnectorContext
  ): Promise<unknown> {
    const endpoint = 'GET /events.json'
    const response = await this.transport.request({
      source: 'ticketmaster',
      sourceKey: context.sourceKey,
      deadlineAt: context.deadlineAt,
      onWait: context.onWait,
      url: `${this.baseUrl}/events.json`,
      query: { ...query, apikey: apiKey(context) },
      expect: 'json',
      endpoint,
      mapError: (raw) => this.#mapError(raw, endpoint, null),
    })
    return response.json
  }

  async getEvent(eventRef: string, context: ConnectorContext): Promise<unknown> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(eventRef)) {
      throw new InvalidPayload({
        source: 'ticketmaster',
        eventRef,
        path: 'eventRef',
        reason: 'not a Discovery event id',
      })
    }
    const endpoint = 'GET /events/{id}.json'
    const response = await this.transport.request({
      source: 'ticketmaster',
      sourceKey: context.sourceKey,
      deadlineAt: context.deadlineAt,
      onWait: context.onWait,
      url: `${this.baseUrl}/events/${encodeURIComponent(eventRef)}.json`,
      query: { apikey: apiKey(context) },
      expect: 'json',
      conditional: true,
      endpoint,
      eventRef,
      mapError: (raw) => this.#mapError(raw, endpoint, eventRef),
    })
    return response.json
  }

  /** Both envelopes: Apigee `fault` (401 key, 429 quota/spike) and Discovery `errors[]` (400 DIS####). */
  #mapError(raw: RawResponse, endpoint: string, eventRef: string | null): ConnectorError | null {
    const body = safeJson(raw.text)
    const fault = body?.fault as { detail?: { errorcode?: unknown } } | undefined
    const errorCode = typeof fault?.detail?.errorcode === 'string' ? fault.detail.errorcode : null
    if (raw.status === 404 && eventRef) return new EventGone('ticketmaster', eventRef)
    if (errorCode?.startsWith('oauth.') || (raw.status === 401 && fault)) {
      // The faultstring can echo the key; only the error code is shown.
      return new CredentialRejected(
        'ticketmaster',
        `API key rejected (${errorCode ?? `HTTP ${raw.status}`})`
      )
    }
    if (raw.status === 429 || errorCode?.startsWith('policies.ratelimit.')) {
      const now = this.clock.now()
      const reset = parseResetValue(raw.headers['rate-limit-reset'], now)
      if (errorCode === 'policies.ratelimit.SpikeArrestViolation') {
        return new RateLimited(
          'ticketmaster',
          parseRetryAfter(raw.headers['retry-after'], now) ?? 1_000,
          'per-second spike arrest (SpikeArrestViolation)'
        )
      }
      const retryAfter = parseRetryAfter(raw.headers['retry-after'], now)
      return new RateLimited(
        'ticketmaster',
        retryAfter ?? (reset !== null ? Math.max(0, reset - now) : null),
        errorCode === 'policies.ratelimit.QuotaViolation'
          ? 'daily quota exhausted (QuotaViolation)'
          : 'rate limited'
      )
    }
    const first = Array.isArray(body?.errors)
      ? (body.errors[0] as { code?: unknown; detail?: unknown } | undefined)
      : undefined
    if (raw.status === 400 && typeof first?.code === 'string') {
      const detail = typeof first.detail === 'string' ? first.detail.slice(0, 200) : 'bad request'
      return new InvalidPayload({
        source: 'ticketmaster',
        endpoint,
        eventRef,
        path: DIS_PARAM[first.code] ?? 'query',
        reason: `Discovery API refused the request: ${first.code}: ${detail}`,
      })
    }
    return null
  }
}

function apiKey(context: ConnectorContext): string {
  const key = context.credential?.apikey ?? context.credential?.apiKey
  if (!key) throw new CredentialRejected('ticketmaster', 'no API key configured for Ticketmaster')
  return key
}

function safeJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}
