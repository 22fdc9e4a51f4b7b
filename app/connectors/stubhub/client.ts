import { createHash } from 'node:crypto'
import { CredentialRejected, EventGone, InvalidPayload } from '#connectors/errors'
import type { ConnectorError } from '#connectors/errors'
import type { ConnectorContext } from '#connectors/contract'
import type { HttpTransport } from '#connectors/transport/http_transport'
import type { Clock, QueryValue, RawResponse } from '#connectors/transport/types'
import { systemClock } from '#connectors/transport/types'
import { parseShToken, shReader } from '#connectors/stubhub/payloads'

export const STUBHUB_API_BASE = 'https://api.stubhub.net'
export const STUBHUB_TOKEN_URL = 'https://account.stubhub.com/oauth2/token'

export interface StubHubClientOptions {
  transport: HttpTransport
  apiBase?: string
  tokenUrl?: string
  clock?: Clock
  /** Refresh this long before the token expires (default 5 min, at most a tenth of its life) */
  expiryMarginMs?: number
}

/**
 * Catalog API (hal+json) with an OAuth2 client-credentials token, cached per
 * client until shortly before it expires. A 401 on a cached token drops it and
 * retries once with a fresh one.
 */
export class StubHubClient {
  readonly #options: StubHubClientOptions
  readonly #clock: Clock
  readonly #tokens = new Map<string, { token: string; expiresAt: number }>()
  readonly #pending = new Map<string, Promise<string>>()

  constructor(options: StubHubClientOptions) {
    this.#options = options
    this.#clock = options.clock ?? systemClock
  }

  async searchEvents(
    query: Record<string, QueryValue>,
    context: ConnectorContext
  ): Promise<unknown> {
    return this.#get('/catalog/events/search', 'GET /catalog/events/search', query, context, null)
  }

  async getEvent(eventRef: string, context: ConnectorContext): Promise<unknown> {
    if (!/^\d{1,12}$/.test(eventRef)) {
      throw new InvalidPayload({
        source: 'stubhub',
        eventRef,
        path: 'eventRef',
        reason: 'not a StubHub event id',
      })
    }
    return this.#get(
      `/catalog/events/${eventRef}`,
      'GET /catalog/events/{id}',
      {},
      context,
      eventRef
    )
  }

  /** Fetches (or reuses) a token: the credential check. */
  async token(context: ConnectorContext): Promise<string> {
    const { clientId, clientSecret } = credentials(context)
    const key = createHash('sha256').update(`${clientId}\0${clientSecret}`).digest('hex')
    const cached = this.#tokens.get(key)
    if (cached && cached.expiresAt > this.#clock.now()) return cached.token
    let pending = this.#pending.get(key)
    if (!pending) {
      pending = this.#requestToken(clientId, clientSecret, key, context).finally(() =>
        this.#pending.delete(key)
      )
      this.#pending.set(key, pending)
    }
    return pending
  }

  async #requestToken(
    clientId: string,
    clientSecret: string,
    key: string,
    context: ConnectorContext
  ): Promise<string> {
    const endpoint = 'POST /oauth2/token'
    const response = await this.#options.transport.request({
      source: 'stubhub',
      sourceKey: context.sourceKey,
      deadlineAt: context.deadlineAt,
      onWait: context.onWait,
      method: 'POST',
      url: this.#options.tokenUrl ?? STUBHUB_TOKEN_URL,
      headers: {
        'authorization': `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'read:events',
      }).toString(),
      expect: 'json',
      endpoint,
      mapError: (raw) => tokenError(raw),
    })
    if (response.status !== 200)
      throw (
        tokenError(response) ??
        new CredentialRejected('stubhub', `token request failed (HTTP ${response.status})`)
      )
    const token = parseShToken(response.json, shReader(endpoint))
    const lifeMs = token.expiresIn * 1000
    const margin = Math.min(this.#options.expiryMarginMs ?? 5 * 60_000, lifeMs / 10)
    this.#tokens.set(key, {
      token: token.accessToken,
      expiresAt: this.#clock.now() + lifeMs - margin,
    })
    return token.accessToken
  }

  #forget(context: ConnectorContext): void {
    const { clientId, clientSecret } = credentials(context)
    this.#tokens.delete(createHash('sha256').update(`${clientId}\0${clientSecret}`).digest('hex'))
  }

  async #get(
    path: string,
    endpoint: string,
    query: Record<string, QueryValue>,
    context: ConnectorContext,
    eventRef: string | null
  ): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.token(context)
      try {
        const response = await this.#options.transport.request({
          source: 'stubhub',
          sourceKey: context.sourceKey,
          deadlineAt: context.deadlineAt,
          onWait: context.onWait,
          url: `${this.#options.apiBase ?? STUBHUB_API_BASE}${path}`,
          query,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/hal+json, application/json;q=0.9',
          },
          expect: 'json',
          endpoint,
          eventRef: eventRef ?? undefined,
          mapError: (raw) => apiError(raw, endpoint, eventRef),
        })
        return response.json
      } catch (error) {
        if (error instanceof CredentialRejected && attempt === 0) {
          this.#forget(context)
          continue
        }
        throw error
      }
    }
  }
}

function credentials(context: ConnectorContext): { clientId: string; clientSecret: string } {
  const clientId = context.credential?.client_id ?? context.credential?.clientId
  const clientSecret = context.credential?.client_secret ?? context.credential?.clientSecret
  if (!clientId || !clientSecret)
    throw new CredentialRejected('stubhub', 'no client_id / client_secret configured for StubHub')
  return { clientId, clientSecret }
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}

function tokenError(raw: RawResponse): ConnectorError | null {
  const body = parse(raw.text)
  const code = typeof body?.error === 'string' ? body.error : null
  if (
    code === 'invalid_client' ||
    code === 'unauthorized_client' ||
    code === 'invalid_grant' ||
    code === 'invalid_scope' ||
    raw.status === 401
  ) {
    return new CredentialRejected('stubhub', `token refused (${code ?? `HTTP ${raw.status}`})`)
  }
  return null
}

function apiError(
  raw: RawResponse,
  endpoint: string,
  eventRef: string | null
): ConnectorError | null {
  if (raw.status === 404 && eventRef) return new EventGone('stubhub', eventRef)
  const body = parse(raw.text)
  const code = typeof body?.code === 'string' ? body.code : null
  if (raw.status === 401 || raw.status === 403) {
    return new CredentialRejected('stubhub', `access refused (${code ?? `HTTP ${raw.status}`})`)
  }
  if (raw.status === 400 || raw.status === 422) {
    return new InvalidPayload({
      source: 'stubhub',
      endpoint,
      eventRef,
      path: 'query',
      reason: `StubHub refused the request (${code ?? `HTTP ${raw.status}`})`,
    })
  }
  return null
}
