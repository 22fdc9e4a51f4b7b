/**
 * The one contract every platform connector implements. Connectors take and
 * return plain data (the normalised model below); they never touch the
 * database, and they never call `fetch` themselves: the shared transport
 * (app/connectors/transport) is the only HTTP call site.
 */

import type { WaitListener } from '#connectors/transport/types'

/** Money: integer minor units + ISO 4217 currency. A missing price is `null`, never 0. */
export interface Money {
  amountMinor: number
  currency: string
}

export type NormalisedEventStatus =
  'scheduled' | 'onsale' | 'offsale' | 'cancelled' | 'postponed' | 'rescheduled' | 'ended'

export interface SaleWindow {
  name: string
  startsAt: string | null
  endsAt: string | null
}

/**
 * What a platform says about buying (schema.org ItemAvailability, folded):
 * kept per source beside the event status, never folded into it.
 */
export type OfferAvailability = 'in_stock' | 'limited' | 'presale' | 'sold_out' | 'discontinued'

/** A part of a payload that was left out (a malformed list item, a structured-data block that does not parse). */
export interface PayloadProblem {
  /** What was left out */
  item: 'event' | 'listing' | 'block'
  /** The item's own id when it could be read (event id, listing id) */
  ref: string | null
  /** JSON path (or "script[1]" for a structured-data block) */
  path: string
  reason: string
}

export interface NormalisedEvent {
  /** The platform's own id for the event */
  ref: string
  platform: string
  url: string | null
  name: string
  sport: string | null
  league: string | null
  homeTeam: string | null
  awayTeam: string | null
  venue: string | null
  city: string | null
  /** ISO 3166-1 alpha-2 */
  country: string | null
  /** ISO 8601 UTC, or null when the date is TBA */
  startsAt: string | null
  /** IANA zone, when known */
  timezone: string | null
  dateTbd: boolean
  status: NormalisedEventStatus
  /** ISO 8601 UTC start before a reschedule (schema.org previousStartDate), when the platform says */
  previousStartsAt?: string | null
  publicSale: SaleWindow | null
  presales: SaleWindow[]
}

export interface PriceSummary {
  min: Money | null
  max: Money | null
  median: Money | null
  average: Money | null
  /** Whether the prices include buyer fees; null when the platform does not say */
  feesIncluded: boolean | null
  listingCount: number | null
}

export interface NormalisedListing {
  ref: string
  section: string | null
  row: string | null
  quantity: number
  /** Purchasable quantities; null when the platform does not restrict */
  splits: number[] | null
  /** Per ticket, before the buyer's fees */
  price: Money | null
  /** Per ticket with the buyer's service fee and tax, when the platform states them; null = unknown */
  priceWithFees: Money | null
  /** Delivery method and its charge per order, when the platform states them */
  delivery?: { method: string | null; fee: Money | null } | null
  format: string | null
  inHand: boolean | null
  inHandOn: string | null
  notes: string | null
}

export interface MarketSnapshot {
  event: NormalisedEvent
  summary: PriceSummary
  /** null when the platform gives no listing-level data (say so in capabilities) */
  listings: NormalisedListing[] | null
  fetchedAt: string
  /** The offers' availability; null or absent when the platform does not say */
  availability?: OfferAvailability | null
  /**
   * Parts of the payload left out without failing the check: skipped
   * listings (their stored rows are kept as they were, not marked gone) and
   * structured-data blocks that do not parse
   */
  problems?: PayloadProblem[]
}

/** Every event a page describes (schema.org pages may carry several), each with its own snapshot. */
export interface PageMarkets {
  /** The page as fetched (after redirects) */
  url: string
  snapshots: MarketSnapshot[]
  /** Blocks and events on the page that were left out, and why */
  problems: PayloadProblem[]
}

export interface Capabilities {
  discover: boolean
  market: boolean
  /** Places orders through an official order API */
  checkout: boolean
  /** Gives listing-level data (not only a price summary) */
  listings: boolean
}

export interface DiscoverQuery {
  keyword?: string
  performer?: string
  classification?: string
  country?: string
  from?: string
  to?: string
  page?: number
  pageSize?: number
}

export interface DiscoverPage {
  events: NormalisedEvent[]
  /** Next page number, or null at the end (or at the platform's deep-paging limit) */
  nextPage: number | null
  total: number | null
  /** Items of the page that failed validation: left out, the rest kept */
  skipped?: PayloadProblem[]
  /** Price summaries the search page itself carries, by event ref (Ticketmaster's priceRanges) */
  summaries?: Record<string, PriceSummary>
  /** The page contradicts itself (e.g. a positive total but no events on a page within it) */
  inconsistency?: string | null
}

export interface OrderRequest {
  eventRef: string
  listingRef: string
  quantity: number
  /** Per ticket, the price the user accepted */
  unitPrice: Money
}

export interface PlacedOrder {
  ref: string
  status: string
  quantity: number
  unitPrice: Money
  total: Money
  /** True when the platform already had an order for this idempotency key */
  replayed: boolean
}

/** Secrets for one platform, decrypted just before use and never logged. */
export type Credential = Record<string, string>

export interface CredentialField {
  name: string
  label: string
  secret: boolean
}

export interface ConnectorContext {
  credential: Credential | null
  /** The source key used for rate limits and the circuit breaker */
  sourceKey?: string
  /**
   * Epoch ms by which the caller (a command, a job) needs the answer: a
   * rate-limit or Crawl-delay wait that ends before it is waited, a longer
   * one is RateLimited. Absent: the transport's short default.
   */
  deadlineAt?: number
  /** Told about each wait that is sat out (a command shows it as progress) */
  onWait?: WaitListener
}

export interface Connector {
  readonly slug: string
  readonly name: string
  readonly capabilities: Capabilities
  readonly credentialFields: CredentialField[]
  discoverEvents(query: DiscoverQuery, context: ConnectorContext): Promise<DiscoverPage>
  fetchMarket(eventRef: string, context: ConnectorContext): Promise<MarketSnapshot>
  /** For pages that describe several events: one fetch, every event on it (adding by URL) */
  fetchPageMarkets?(pageUrl: string, context: ConnectorContext): Promise<PageMarkets>
  placeOrder?(
    request: OrderRequest,
    idempotencyKey: string,
    context: ConnectorContext
  ): Promise<PlacedOrder>
  findOrder?(idempotencyKey: string, context: ConnectorContext): Promise<PlacedOrder | null>
  checkCredential(context: ConnectorContext): Promise<{ ok: true } | { ok: false; reason: string }>
}
