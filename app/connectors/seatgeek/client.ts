import { CredentialRejected, EventGone, InvalidPayload } from '#connectors/errors'
import type { ConnectorError } from '#connectors/errors'
import type { ConnectorContext } from '#connectors/contract'
import type { HttpTransport } from '#connectors/transport/http_transport'
import type { QueryValue, RawResponse } from '#connectors/transport/types'

export const SEATGEEK_BASE_URL = 'https://api.seatgeek.com/2'

/**
 * Platform API v2 through the shared transport. client_id / client_secret go
 * as query parameters (redacted by the transport). A 406 or a PerimeterX page
 * from SeatGeek's edge is SourceBlocked and never retried.
 */
export class SeatGeekClient {
  constructor(
    readonly transport: HttpTransport,
    readonly baseUrl: string = SEATGEEK_BASE_URL
  ) {}

  async searchEvents(
    query: Record<string, QueryValue>,
    context: ConnectorContext
  ): Promise<unknown> {
    return this.#get('/events', 'GET /events', query, context, null)
  }

  async getEvent(eventRef: string, context: ConnectorContext): Promise<unknown> {
    if (!/^\d{1,12}$/.test(eventRef)) {
      throw new InvalidPayload({
        source: 'seatgeek',
        eventRef,
        path: 'eventRef',
        reason: 'not a SeatGeek event id',
      })
    }
    return this.#get(`/events/${eventRef}`, 'GET /events/{id}', {}, context, eventRef)
  }

  async #get(
    path: string,
    endpoint: string,
    query: Record<string, QueryValue>,
    context: ConnectorContext,
    eventRef: string | null
  ) {
    const response = await this.transport.request({
      source: 'seatgeek',
      sourceKey: context.sourceKey,
      deadlineAt: context.deadlineAt,
      onWait: context.onWait,
      url: `${this.baseUrl}${path}`,
      query: { ...query, ...credentials(context) },
      expect: 'json',
      endpoint,
      eventRef: eventRef ?? undefined,
      conditional: eventRef !== null,
      blockedStatuses: [406],
      mapError: (raw) => mapError(raw, endpoint, eventRef),
    })
    return response.json
  }
}

function credentials(context: ConnectorContext): Record<string, string> {
  const clientId = context.credential?.client_id ?? context.credential?.clientId
  if (!clientId) throw new CredentialRejected('seatgeek', 'no client_id configured for SeatGeek')
  const secret = context.credential?.client_secret ?? context.credential?.clientSecret
  return secret ? { client_id: clientId, client_secret: secret } : { client_id: clientId }
}

function mapError(
  raw: RawResponse,
  endpoint: string,
  eventRef: string | null
): ConnectorError | null {
  if (raw.status === 404 && eventRef) return new EventGone('seatgeek', eventRef)
  let body: { message?: unknown; errors?: Array<{ code?: unknown }> } | null = null
  try {
    body = JSON.parse(raw.text)
  } catch {
    body = null
  }
  const message = typeof body?.message === 'string' ? body.message.slice(0, 200) : null
  if (raw.status === 401 || raw.status === 403) {
    const code = body?.errors?.[0]?.code
    return new CredentialRejected(
      'seatgeek',
      `client rejected (HTTP ${raw.status}${typeof code === 'number' ? `, code ${code}` : ''})`
    )
  }
  if (raw.status === 400) {
    return new InvalidPayload({
      source: 'seatgeek',
      endpoint,
      eventRef,
      path: 'query',
      reason: `SeatGeek refused the request: ${message ?? 'bad request'}`,
    })
  }
  return null
}
