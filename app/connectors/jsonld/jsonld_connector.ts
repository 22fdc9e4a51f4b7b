import type {
  Capabilities,
  Connector,
  ConnectorContext,
  CredentialField,
  DiscoverPage,
  DiscoverQuery,
  MarketSnapshot,
} from '#connectors/contract'
import { InvalidPayload, SourceBlocked } from '#connectors/errors'
import { detectChallenge, detectLoginWall } from '#connectors/transport/challenge'
import type { Clock } from '#connectors/transport/types'
import { systemClock } from '#connectors/transport/types'
import type { JsonLdClient } from '#connectors/jsonld/client'
import { pageTitle } from '#connectors/jsonld/html_scripts'
import { readerFor, scanJsonLd } from '#connectors/jsonld/payloads'
import type { JsonLdEventNode } from '#connectors/jsonld/payloads'
import { normaliseJsonLdEvent } from '#connectors/jsonld/normalise'

export interface JsonLdConnectorOptions {
  client: JsonLdClient
  clock?: Clock
  /** IANA zone assumed for start dates published without an offset (null: read as UTC, zone unknown) */
  defaultTimezone?: string | null
}

/**
 * Any public event page with schema.org Event/Offer JSON-LD. The event ref is
 * the page URL. Summary only (listings: null): offers are the site's claim.
 */
export default class JsonLdConnector implements Connector {
  readonly slug = 'jsonld'
  readonly name = 'Event pages (schema.org JSON-LD)'
  readonly capabilities: Capabilities = {
    discover: false,
    market: true,
    checkout: false,
    listings: false,
  }
  readonly credentialFields: CredentialField[] = []
  readonly #options: JsonLdConnectorOptions
  readonly #clock: Clock

  constructor(options: JsonLdConnectorOptions) {
    this.#options = options
    this.#clock = options.clock ?? systemClock
  }

  /** No search: a page URL given as `keyword` returns the events that page describes. */
  async discoverEvents(query: DiscoverQuery, _context: ConnectorContext): Promise<DiscoverPage> {
    if (!query.keyword || !/^https?:\/\//i.test(query.keyword))
      return { events: [], nextPage: null, total: 0 }
    const { html, url } = await this.#options.client.fetchPage(query.keyword)
    const found = this.#events(html, url)
    const now = new Date(this.#clock.now())
    const events = found.map(
      (node) => normaliseJsonLdEvent(node, readerFor(url), this.#normaliseOptions(url, now)).event
    )
    return { events, nextPage: null, total: events.length }
  }

  async fetchMarket(eventRef: string, _context: ConnectorContext): Promise<MarketSnapshot> {
    const { html, url } = await this.#options.client.fetchPage(eventRef)
    const found = this.#events(html, url)
    const chosen =
      found.find((node) => typeof node.node.url === 'string' && sameUrl(node.node.url, url)) ??
      found[0]
    const now = new Date(this.#clock.now())
    const { event, summary } = normaliseJsonLdEvent(
      chosen,
      readerFor(eventRef),
      this.#normaliseOptions(eventRef, now)
    )
    return { event, summary, listings: null, fetchedAt: now.toISOString() }
  }

  async checkCredential(
    _context: ConnectorContext
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    return { ok: true }
  }

  #events(html: string, url: string): JsonLdEventNode[] {
    const scan = scanJsonLd(html)
    if (scan.events.length > 0) return scan.events
    const blocked = detectChallenge(html) ?? detectLoginWall(html)
    if (blocked) throw new SourceBlocked('jsonld', `${blocked} at ${new URL(url).host}`)
    const title = pageTitle(html)
    throw new InvalidPayload({
      source: 'jsonld',
      endpoint: 'GET event page',
      eventRef: url,
      path: '$',
      reason:
        scan.blocks === 0
          ? `no <script type="application/ld+json"> on the page${title ? ` "${title}"` : ''}`
          : `no schema.org Event in ${scan.blocks} JSON-LD block(s)${scan.invalidBlocks ? `, ${scan.invalidBlocks} not valid JSON` : ''}`,
    })
  }

  #normaliseOptions(pageUrl: string, now: Date) {
    return { pageUrl, now, defaultTimezone: this.#options.defaultTimezone ?? null }
  }
}

function sameUrl(candidate: string, page: string): boolean {
  try {
    const a = new URL(candidate, page)
    const b = new URL(page)
    a.hash = ''
    b.hash = ''
    return a.toString() === b.toString()
  } catch {
    return false
  }
}
