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
import type { SeatGeekClient } from '#connectors/seatgeek/client'
import { parseSgEvent, parseSgPage, sgReader } from '#connectors/seatgeek/payloads'
import { normaliseSgEvent, summariseSgStats } from '#connectors/seatgeek/normalise'

/** A maintainer asks to stay ≤ 1000 (the server refuses > 5000). */
export const SG_MAX_PER_PAGE = 1000
/** Past ~10,000 results SeatGeek answers 200 with an empty page. */
export const SG_RESULT_WINDOW = 10_000

/** "2024-05-01T00:00:00" — SeatGeek's naive UTC form for datetime_utc filters. */
function sgDate(value: string): string {
  return new Date(value).toISOString().replace(/\.\d{3}Z$/, '')
}

/**
 * SeatGeek Platform API v2, read-only: events and price statistics when
 * given (withheld since 2024: empty stats are normal and mean "no price").
 */
export default class SeatGeekConnector implements Connector {
  readonly slug = 'seatgeek'
  readonly name = 'SeatGeek'
  readonly capabilities: Capabilities = {
    discover: true,
    market: true,
    checkout: false,
    listings: false,
  }
  readonly credentialFields: CredentialField[] = [
    { name: 'client_id', label: 'Client ID', secret: true },
    { name: 'client_secret', label: 'Client secret (optional)', secret: true },
  ]

  constructor(
    readonly client: SeatGeekClient,
    readonly clock: Clock = systemClock
  ) {}

  async discoverEvents(query: DiscoverQuery, context: ConnectorContext): Promise<DiscoverPage> {
    const perPage = Math.max(1, Math.min(query.pageSize ?? 100, SG_MAX_PER_PAGE))
    const page = Math.max(1, Math.trunc(query.page ?? 1))
    if ((page - 1) * perPage >= SG_RESULT_WINDOW) return { events: [], nextPage: null, total: null }
    const json = await this.client.searchEvents(
      {
        'q': query.keyword,
        'performers.slug': query.performer,
        'taxonomies.name': query.classification ?? 'sports',
        'venue.country': query.country?.toUpperCase(),
        'datetime_utc.gte': query.from ? sgDate(query.from) : undefined,
        'datetime_utc.lte': query.to ? sgDate(query.to) : undefined,
        'sort': 'datetime_utc.asc',
        'per_page': perPage,
        'page': page,
      },
      context
    )
    const parsed = parseSgPage(json, sgReader('GET /events'))
    const now = new Date(this.clock.now())
    const total = parsed.meta.total
    const received = parsed.events.length + parsed.skipped.length
    const more =
      received > 0 &&
      page * perPage < SG_RESULT_WINDOW &&
      (total === null || page * perPage < total)
    return {
      events: parsed.events.map((event) => normaliseSgEvent(event, now)),
      summaries: Object.fromEntries(parsed.events.map((e) => [e.id, summariseSgStats(e)])),
      skipped: parsed.skipped,
      nextPage: more ? page + 1 : null,
      // The empty page past the result window says total 0; that total is not real.
      total: received === 0 && page > 1 ? null : total,
    }
  }

  async fetchMarket(eventRef: string, context: ConnectorContext): Promise<MarketSnapshot> {
    const json = await this.client.getEvent(eventRef, context)
    const event = parseSgEvent(json, sgReader('GET /events/{id}', eventRef))
    const now = new Date(this.clock.now())
    return {
      event: normaliseSgEvent(event, now),
      summary: summariseSgStats(event),
      listings: null,
      fetchedAt: now.toISOString(),
    }
  }

  async checkCredential(
    context: ConnectorContext
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      await this.client.searchEvents({ per_page: 1 }, context)
      return { ok: true }
    } catch (error) {
      if (error instanceof CredentialRejected) return { ok: false, reason: error.message }
      throw error
    }
  }
}
