import type {
  Capabilities,
  Connector,
  ConnectorContext,
  CredentialField,
  DiscoverPage,
  DiscoverQuery,
  MarketSnapshot,
} from '#connectors/contract'
import { CredentialRejected } from '#connectors/errors'
import type { Clock } from '#connectors/transport/types'
import { systemClock } from '#connectors/transport/types'
import { toSecondPrecisionUtc } from '#connectors/transport/dates'
import type { TicketmasterClient } from '#connectors/ticketmaster/client'
import { parseTmEvent, parseTmSearch, tmReader } from '#connectors/ticketmaster/payloads'
import { normaliseTmEvent, summariseTmPrices } from '#connectors/ticketmaster/normalise'

/** Sports segment id (exact filter; classificationName is fuzzy). */
export const TM_SPORTS_SEGMENT_ID = 'KZFzniwnSyZfZ7v7nE'
export const TM_MAX_PAGE_SIZE = 200
/** Discovery refuses pages where size * page >= 1000 (DIS1035). */
export const TM_DEEP_PAGING_LIMIT = 1000

/**
 * Ticketmaster Discovery API v2, read-only: events, status, sale windows and
 * price ranges when given. No listings and no checkout (Partner API only).
 */
export default class TicketmasterConnector implements Connector {
  readonly slug = 'ticketmaster'
  readonly name = 'Ticketmaster'
  readonly capabilities: Capabilities = {
    discover: true,
    market: true,
    checkout: false,
    listings: false,
  }
  readonly credentialFields: CredentialField[] = [
    { name: 'apikey', label: 'Consumer key (API key)', secret: true },
  ]

  constructor(
    readonly client: TicketmasterClient,
    readonly clock: Clock = systemClock
  ) {}

  async discoverEvents(query: DiscoverQuery, context: ConnectorContext): Promise<DiscoverPage> {
    const size = Math.max(1, Math.min(query.pageSize ?? 50, TM_MAX_PAGE_SIZE))
    const page = Math.max(0, Math.trunc(query.page ?? 0))
    if (size * page >= TM_DEEP_PAGING_LIMIT) return { events: [], nextPage: null, total: null }

    const keyword = [query.keyword, query.performer].filter((part) => part && part.trim()).join(' ')
    const json = await this.client.searchEvents(
      {
        keyword: keyword || undefined,
        ...(query.classification
          ? { classificationName: query.classification }
          : { segmentId: TM_SPORTS_SEGMENT_ID }),
        countryCode: query.country?.toUpperCase(),
        startDateTime: query.from ? toSecondPrecisionUtc(query.from) : undefined,
        endDateTime: query.to ? toSecondPrecisionUtc(query.to) : undefined,
        size,
        page,
        sort: 'date,asc',
      },
      context
    )
    const parsed = parseTmSearch(json, tmReader('GET /events.json'))
    const now = new Date(this.clock.now())
    const next = page + 1
    const received = parsed.events.length + parsed.skipped.length
    const hasNext =
      next < parsed.page.totalPages && size * next < TM_DEEP_PAGING_LIMIT && received > 0
    /** A page inside the announced total that carries nothing contradicts itself: say so, never "0 events". */
    const { totalElements } = parsed.page
    const inconsistency =
      received === 0 && totalElements > 0 && page * size < totalElements
        ? `page ${page} of a search announcing ${totalElements} event${totalElements === 1 ? '' : 's'} carried none (no _embedded.events)`
        : null
    return {
      events: parsed.events.map((event) => normaliseTmEvent(event, now)),
      /** The search page carries priceRanges: the same summary fetchMarket stores */
      summaries: Object.fromEntries(parsed.events.map((e) => [e.id, summariseTmPrices(e)])),
      skipped: parsed.skipped,
      inconsistency,
      nextPage: hasNext ? next : null,
      total: totalElements,
    }
  }

  async fetchMarket(eventRef: string, context: ConnectorContext): Promise<MarketSnapshot> {
    const json = await this.client.getEvent(eventRef, context)
    const event = parseTmEvent(json, tmReader('GET /events/{id}.json', eventRef))
    const now = new Date(this.clock.now())
    return {
      event: normaliseTmEvent(event, now),
      summary: summariseTmPrices(event),
      listings: null,
      fetchedAt: now.toISOString(),
    }
  }

  async checkCredential(
    context: ConnectorContext
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      await this.client.searchEvents({ size: 1, segmentId: TM_SPORTS_SEGMENT_ID }, context)
      return { ok: true }
    } catch (error) {
      if (error instanceof CredentialRejected) return { ok: false, reason: error.message }
      throw error
    }
  }
}
