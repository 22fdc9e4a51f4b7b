import type {
  Capabilities,
  Connector,
  ConnectorContext,
  CredentialField,
  DiscoverPage,
  DiscoverQuery,
  MarketSnapshot,
  PageMarkets,
  PayloadProblem,
} from '#connectors/contract'
import { EventGone, InvalidPayload, SourceBlocked } from '#connectors/errors'
import { detectChallenge, detectLoginWall } from '#connectors/transport/challenge'
import type { Clock } from '#connectors/transport/types'
import { systemClock } from '#connectors/transport/types'
import type { JsonLdClient } from '#connectors/jsonld/client'
import { pageTitle } from '#connectors/jsonld/html_scripts'
import { invalidBlocksNote, readerFor, scanJsonLd } from '#connectors/jsonld/payloads'
import type { JsonLdEventNode } from '#connectors/jsonld/payloads'
import { normaliseJsonLdEvent } from '#connectors/jsonld/normalise'
import { identifyEvents, parseJsonLdRef } from '#connectors/jsonld/identity'
import type { IdentifiedEvent } from '#connectors/jsonld/identity'

export interface JsonLdConnectorOptions {
  client: JsonLdClient
  clock?: Clock
  /** IANA zone assumed for start dates published without an offset (null: read as UTC, zone unknown) */
  defaultTimezone?: string | null
  /**
   * How long one fetch of a page serves the checks of every event on it
   * (the N sources of a schedule page cost one request per window). Default 60 s.
   */
  pageCacheMs?: number
}

interface ReadPage {
  url: string
  events: IdentifiedEvent[]
  /** Structured-data blocks that do not parse, as one line for people */
  problems: PayloadProblem[]
}

const PAGE_CACHE_ENTRIES = 200

/**
 * Any public event page with schema.org Event/Offer JSON-LD. A page may
 * describe several events (a doubleheader, a team's schedule): each is its
 * own source, with a ref that is the page URL plus a key derived from the
 * event's identity (`@id`, else `url`, else name + start), so it survives the
 * page's reordering. The sources of one page share its fetch. Summary only
 * (listings: null): offers are the site's claim.
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
  readonly #pages = new Map<string, { at: number; page: Promise<ReadPage> }>()

  constructor(options: JsonLdConnectorOptions) {
    this.#options = options
    this.#clock = options.clock ?? systemClock
  }

  /** No search: a page URL given as `keyword` returns the events that page describes. */
  async discoverEvents(query: DiscoverQuery, context: ConnectorContext): Promise<DiscoverPage> {
    if (!query.keyword || !/^https?:\/\//i.test(query.keyword))
      return { events: [], nextPage: null, total: 0 }
    const page = await this.fetchPageMarkets(query.keyword, context)
    const events = page.snapshots.map((snapshot) => snapshot.event)
    return {
      events,
      nextPage: null,
      total: events.length,
      skipped: page.problems.filter((problem) => problem.item === 'event'),
      summaries: Object.fromEntries(page.snapshots.map((s) => [s.event.ref, s.summary])),
    }
  }

  /** Every event on the page, one snapshot each; events that do not validate are reported, not fatal. */
  async fetchPageMarkets(pageUrl: string, context: ConnectorContext): Promise<PageMarkets> {
    const page = await this.#page(parseJsonLdRef(pageUrl).pageUrl, context)
    const now = new Date(this.#clock.now())
    const snapshots: MarketSnapshot[] = []
    const problems = [...page.problems]
    for (const found of page.events) {
      try {
        snapshots.push(this.#snapshot(found, found.ref, page, now))
      } catch (error) {
        if (!(error instanceof InvalidPayload)) throw error
        problems.push({ item: 'event', ref: found.label, path: error.path, reason: error.reason })
      }
    }
    if (snapshots.length === 0) {
      const first = problems.find((problem) => problem.item === 'event')
      throw new InvalidPayload({
        source: 'jsonld',
        endpoint: 'GET event page',
        eventRef: page.url,
        path: first?.path ?? '$',
        reason: `none of the ${page.events.length} event(s) on the page is valid${first ? `: ${first.reason}` : ''}`,
      })
    }
    return { url: page.url, snapshots, problems }
  }

  async fetchMarket(eventRef: string, context: ConnectorContext): Promise<MarketSnapshot> {
    const { pageUrl, key } = parseJsonLdRef(eventRef)
    const page = await this.#page(pageUrl, context)
    const chosen = key
      ? page.events.find((found) => found.keys.includes(key))
      : /** A ref from before pages had several events (the bare page URL): the event it always meant */
        (page.events.find((found) => found.ref === pageUrl) ??
        page.events.find((found) => found.urlMatchesPage) ??
        page.events[0])
    /** The event left the page (a schedule dropped a played game): gone from this source */
    if (!chosen) throw new EventGone('jsonld', eventRef)
    return this.#snapshot(chosen, eventRef, page, new Date(this.#clock.now()))
  }

  async checkCredential(
    _context: ConnectorContext
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    return { ok: true }
  }

  #snapshot(found: IdentifiedEvent, ref: string, page: ReadPage, now: Date): MarketSnapshot {
    const { event, summary, availability } = normaliseJsonLdEvent(found.node, readerFor(ref), {
      pageUrl: page.url,
      now,
      defaultTimezone: this.#options.defaultTimezone ?? null,
    })
    return {
      event: { ...event, ref },
      summary,
      listings: null,
      fetchedAt: now.toISOString(),
      availability,
      problems: page.problems,
    }
  }

  /** One fetch per page per window, shared by every event (source) on it and by callers asking at once. */
  #page(pageUrl: string, context: ConnectorContext): Promise<ReadPage> {
    const now = this.#clock.now()
    const ttl = this.#options.pageCacheMs ?? 60_000
    const cached = this.#pages.get(pageUrl)
    if (cached && now - cached.at < ttl) return cached.page
    if (this.#pages.size >= PAGE_CACHE_ENTRIES) {
      for (const [url, entry] of this.#pages)
        if (now - entry.at >= ttl || this.#pages.size >= PAGE_CACHE_ENTRIES) this.#pages.delete(url)
    }
    const page = this.#read(pageUrl, context)
    this.#pages.set(pageUrl, { at: now, page })
    /** A failure is not kept: the next check asks the site again */
    page.catch(() => {
      if (this.#pages.get(pageUrl)?.page === page) this.#pages.delete(pageUrl)
    })
    return page
  }

  async #read(pageUrl: string, context: ConnectorContext): Promise<ReadPage> {
    const { html, url } = await this.#options.client.fetchPage(pageUrl, {
      deadlineAt: context.deadlineAt,
      onWait: context.onWait,
    })
    const scan = scanJsonLd(html)
    const note = invalidBlocksNote(scan)
    const problems: PayloadProblem[] = note
      ? [{ item: 'block', ref: null, path: scan.invalid[0].path, reason: note }]
      : []
    if (scan.events.length === 0) this.#noEvents(html, url, scan.blocks, note)
    /** Identities are taken against the URL that was asked for, so they do not move with a redirect */
    return { url, events: identifyEvents(scan.events, pageUrl), problems }
  }

  #noEvents(html: string, url: string, blocks: number, note: string | null): never {
    const blocked = detectChallenge(html) ?? detectLoginWall(html)
    if (blocked) throw new SourceBlocked('jsonld', `${blocked} at ${new URL(url).host}`)
    const title = pageTitle(html)
    throw new InvalidPayload({
      source: 'jsonld',
      endpoint: 'GET event page',
      eventRef: url,
      path: '$',
      reason:
        blocks === 0
          ? `no <script type="application/ld+json"> on the page${title ? ` "${title}"` : ''}`
          : `no schema.org Event in ${blocks} JSON-LD block(s)${note ? ` (${note})` : ''}`,
    })
  }
}

export type { JsonLdEventNode }
