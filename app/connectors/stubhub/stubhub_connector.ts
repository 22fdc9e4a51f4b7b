import type {
  Capabilities,
  Connector,
  ConnectorContext,
  CredentialField,
  DiscoverPage,
  DiscoverQuery,
  MarketSnapshot,
} from '#connectors/contract'
import { CredentialRejected, EventGone } from '#connectors/errors'
import type { Clock } from '#connectors/transport/types'
import { systemClock } from '#connectors/transport/types'
import type { StubHubClient } from '#connectors/stubhub/client'
import { parseShEvent, parseShPage, shReader } from '#connectors/stubhub/payloads'
import { normaliseShEvent, summariseShPrice } from '#connectors/stubhub/normalise'

export const SH_MAX_PAGE_SIZE = 500

/**
 * StubHub Catalog API, read-only: events, status, on-sale date and the
 * minimum ticket price. No public listing search exists (Inventory API is
 * seller-side only), so listings: false.
 */
export default class StubHubConnector implements Connector {
  readonly slug = 'stubhub'
  readonly name = 'StubHub'
  readonly capabilities: Capabilities = {
    discover: true,
    market: true,
    checkout: false,
    listings: false,
  }
  readonly credentialFields: CredentialField[] = [
    { name: 'client_id', label: 'Client ID', secret: false },
    { name: 'client_secret', label: 'Client secret', secret: true },
  ]

  constructor(
    readonly client: StubHubClient,
    readonly clock: Clock = systemClock
  ) {}

  async discoverEvents(query: DiscoverQuery, context: ConnectorContext): Promise<DiscoverPage> {
    const pageSize = Math.max(1, Math.min(query.pageSize ?? 100, SH_MAX_PAGE_SIZE))
    const page = Math.max(1, Math.trunc(query.page ?? 1))
    const q = [query.keyword, query.performer, query.classification]
      .filter((part) => part && part.trim())
      .join(' ')
    const json = await this.client.searchEvents(
      { q: q || undefined, page, page_size: pageSize, country_code: query.country?.toUpperCase() },
      context
    )
    const parsed = parseShPage(json, shReader('GET /catalog/events/search'))
    const now = new Date(this.clock.now())
    const fromTo = (startsAt: string | null) =>
      (!query.from || (startsAt !== null && startsAt >= new Date(query.from).toISOString())) &&
      (!query.to || (startsAt !== null && startsAt <= new Date(query.to).toISOString()))
    const kept = parsed.events
      .filter((event) => event.status?.toLowerCase() !== 'deleted')
      .map((event) => ({ raw: event, event: normaliseShEvent(event, now) }))
      .filter(({ event }) => fromTo(event.startsAt))
    const more =
      parsed.events.length + parsed.skipped.length > 0 &&
      (parsed.hasNext || (parsed.totalItems !== null && page * pageSize < parsed.totalItems))
    return {
      events: kept.map(({ event }) => event),
      summaries: Object.fromEntries(
        kept.map(({ raw, event }) => [event.ref, summariseShPrice(raw)])
      ),
      skipped: parsed.skipped,
      nextPage: more ? page + 1 : null,
      total: parsed.totalItems,
    }
  }

  async fetchMarket(eventRef: string, context: ConnectorContext): Promise<MarketSnapshot> {
    const json = await this.client.getEvent(eventRef, context)
    const event = parseShEvent(json, shReader('GET /catalog/events/{id}', eventRef))
    if (event.status?.toLowerCase() === 'deleted') throw new EventGone('stubhub', eventRef)
    const now = new Date(this.clock.now())
    return {
      event: normaliseShEvent(event, now),
      summary: summariseShPrice(event),
      listings: null,
      fetchedAt: now.toISOString(),
    }
  }

  async checkCredential(
    context: ConnectorContext
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      await this.client.token(context)
      return { ok: true }
    } catch (error) {
      if (error instanceof CredentialRejected) return { ok: false, reason: error.message }
      throw error
    }
  }
}
