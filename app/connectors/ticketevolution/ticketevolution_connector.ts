/**
 * Ticket Evolution (API v9): events, listing-level market data and orders,
 * every request signed with the token's secret. The purchase-capable connector.
 * The same class, pointed at the built-in sandbox exchange, is the `sandbox`
 * connector (app/connectors/sandbox/sandbox_connector.ts).
 */
import type {
  Capabilities,
  Connector,
  ConnectorContext,
  CredentialField,
  DiscoverPage,
  DiscoverQuery,
  MarketSnapshot,
  OrderRequest,
  PayloadProblem,
  PlacedOrder,
} from '#connectors/contract'
import { CredentialRejected, EventGone, OrderRejected } from '#connectors/errors'
import {
  headerValue,
  readCredential,
  TevoClient,
  type HttpTransport,
  type TevoCredential,
} from '#connectors/ticketevolution/client'
import { minorToDecimal } from '#connectors/ticketevolution/money'
import {
  normaliseEvent,
  normaliseListing,
  normaliseMarket,
  normaliseOrder,
  CURRENCY,
} from '#connectors/ticketevolution/normalise'
import {
  parseEvent,
  parseEventsPage,
  parseListings,
  parseOrders,
  type PayloadContext,
  type TevoListing,
} from '#connectors/ticketevolution/payloads'
import type { QueryParams } from '#connectors/ticketevolution/signing'

export const TEVO_PRODUCTION_URL = 'https://api.ticketevolution.com'
export const TEVO_SANDBOX_URL = 'https://api.sandbox.ticketevolution.com'
/** Observed maximum (and default) page size of TEvo index endpoints. */
export const TEVO_MAX_PER_PAGE = 100
/** Response header the HDTickets sandbox sets when it answers with an earlier order. */
export const REPLAYED_HEADER = 'idempotent-replayed'

/**
 * Delivery type for an order, from the listing's format (API-NOTES §3, Orders).
 * (verify) the exact values on TEvo's "11.1 Creating Orders" table; unknown formats
 * fall back to `Tbd`, one of the documented shipment types.
 */
const DELIVERY_TYPES: Record<string, string> = {
  physical: 'FedEx',
  eticket: 'Eticket',
  tm_mobile: 'TMMobile',
  flash_seats: 'FlashSeats',
  guest_list: 'GuestList',
  paperless: 'Paperless',
}

export function deliveryTypeFor(format: string | null): string {
  return (format && DELIVERY_TYPES[format.toLowerCase()]) || 'Tbd'
}

export interface TicketEvolutionConnectorOptions {
  transport: HttpTransport
  /** Defaults to production; the built-in sandbox passes its own URL */
  baseUrl?: string
  slug?: string
  name?: string
  /** Injected clock (the only reader of the time in this shell) */
  clock?: () => Date
}

const EVENT_REF = /^\d{1,18}$/

export default class TicketEvolutionConnector implements Connector {
  readonly slug: string
  readonly name: string
  readonly capabilities: Capabilities = {
    discover: true,
    market: true,
    checkout: true,
    listings: true,
  }
  readonly credentialFields: CredentialField[] = [
    { name: 'token', label: 'API token', secret: true },
    { name: 'secret', label: 'API secret', secret: true },
    { name: 'office_id', label: 'Office id (seller_id on orders)', secret: false },
    { name: 'client_id', label: 'Client id (optional, the buyer on orders)', secret: false },
  ]

  readonly #client: TevoClient
  readonly #clock: () => Date

  constructor(options: TicketEvolutionConnectorOptions) {
    this.slug = options.slug ?? 'ticketevolution'
    this.name = options.name ?? 'Ticket Evolution'
    this.#clock = options.clock ?? (() => new Date())
    this.#client = new TevoClient({
      source: this.slug,
      baseUrl: options.baseUrl ?? TEVO_PRODUCTION_URL,
      transport: options.transport,
    })
  }

  async discoverEvents(query: DiscoverQuery, context: ConnectorContext): Promise<DiscoverPage> {
    const credential = readCredential(this.slug, context.credential)
    const page = Math.max(1, Math.trunc(query.page ?? 1))
    const perPage = Math.min(
      TEVO_MAX_PER_PAGE,
      Math.max(1, Math.trunc(query.pageSize ?? TEVO_MAX_PER_PAGE))
    )
    const words: string[] = []
    if (query.keyword?.trim()) words.push(query.keyword.trim())
    const performer = query.performer?.trim()
    const performerId = performer && /^\d+$/.test(performer) ? performer : null
    if (performer && !performerId) words.push(performer)
    const classification = query.classification?.trim()
    const categoryId = classification && /^\d+$/.test(classification) ? classification : null
    // (verify) spellings on Events/Index; `occurs_at.gte`/`.lt` conditionals are observed.
    // `occurs_at` is venue-local wall time, so a UTC bound is approximate by the venue's offset.
    const params: QueryParams = {
      'q': words.length ? words.join(' ') : null,
      'performer_id': performerId,
      'category_id': categoryId,
      'occurs_at.gte': query.from ?? null,
      'occurs_at.lt': query.to ?? null,
      'page': page,
      'per_page': perPage,
    }
    const endpoint = 'GET /v9/events'
    const json = await this.#client.get('/v9/events', params, credential, {
      endpoint,
      sourceKey: context.sourceKey,
    })
    const parsed = parseEventsPage(this.#ctx(endpoint), json)
    const now = this.#clock()
    const events = parsed.events.map((e) => normaliseEvent(e, { source: this.slug, now }))
    const total = parsed.total_entries
    const pageSize = parsed.per_page ?? perPage
    const more = total !== null ? page * pageSize < total : parsed.events.length >= pageSize
    const received = parsed.events.length + parsed.skipped.length
    return {
      events,
      nextPage: more && received > 0 ? page + 1 : null,
      total,
      skipped: parsed.skipped,
    }
  }

  async fetchMarket(eventRef: string, context: ConnectorContext): Promise<MarketSnapshot> {
    const credential = readCredential(this.slug, context.credential)
    if (!EVENT_REF.test(eventRef)) throw new EventGone(this.slug, eventRef)
    const [eventJson, listings] = await Promise.all([
      this.#client.get(`/v9/events/${eventRef}`, {}, credential, {
        endpoint: 'GET /v9/events/:id',
        eventRef,
        notFound: { kind: 'event-gone', eventRef },
        sourceKey: context.sourceKey,
      }),
      this.#listings(eventRef, credential, context),
    ])
    const event = parseEvent(this.#ctx('GET /v9/events/:id', eventRef), eventJson)
    const market = normaliseMarket(event, listings.listings, {
      source: this.slug,
      now: this.#clock(),
    })
    return listings.skipped.length ? { ...market, problems: listings.skipped } : market
  }

  /**
   * One order per POST, one item per order. The listing is re-read first (TEvo has
   * no holds): it must still be offered, have the quantity, allow it as a split and
   * cost no more than the accepted price. The idempotency key travels as the order's
   * `reference`; an order already carrying it is returned instead (replayed: true).
   */
  async placeOrder(
    request: OrderRequest,
    idempotencyKey: string,
    context: ConnectorContext
  ): Promise<PlacedOrder> {
    const credential = readCredential(this.slug, context.credential)
    const key = checkKey(this.slug, idempotencyKey)
    const existing = await this.#findOrder(key, credential, context)
    if (existing) return existing

    const { eventRef, listingRef, quantity } = request
    if (!EVENT_REF.test(eventRef)) throw new EventGone(this.slug, eventRef)
    if (!Number.isSafeInteger(quantity) || quantity < 1) {
      throw new OrderRejected(
        this.slug,
        'invalid_quantity',
        `quantity ${quantity} is not a positive integer`
      )
    }
    if (request.unitPrice.currency !== CURRENCY) {
      throw new OrderRejected(
        this.slug,
        'currency_mismatch',
        `prices are in ${CURRENCY}, not ${request.unitPrice.currency}`
      )
    }
    const raw = (await this.#listings(eventRef, credential, context)).listings.find(
      (l) => l.id === listingRef
    )
    const listing = raw ? normaliseListing(raw) : null
    if (!listing) {
      throw new OrderRejected(
        this.slug,
        'listing_gone',
        `listing ${listingRef} is no longer offered for event ${eventRef}`
      )
    }
    if (quantity > listing.quantity) {
      throw new OrderRejected(
        this.slug,
        'insufficient_quantity',
        `listing ${listingRef} has ${listing.quantity} left, ${quantity} asked`
      )
    }
    if (listing.splits !== null && !listing.splits.includes(quantity)) {
      throw new OrderRejected(
        this.slug,
        'invalid_split',
        `quantity ${quantity} is not one of listing ${listingRef}'s splits [${listing.splits.join(', ')}]`
      )
    }
    if (!listing.price)
      throw new OrderRejected(this.slug, 'no_price', `listing ${listingRef} has no price`)
    if (listing.price.amountMinor > request.unitPrice.amountMinor) {
      throw new OrderRejected(
        this.slug,
        'price_increased',
        `listing ${listingRef} now costs ${minorToDecimal(listing.price.amountMinor)} ${CURRENCY} per ticket, ${minorToDecimal(request.unitPrice.amountMinor)} accepted`
      )
    }

    const order: Record<string, unknown> = {}
    if (credential.officeId) order.seller_id = toIdValue(credential.officeId)
    if (credential.clientId) order.client_id = toIdValue(credential.clientId)
    order.reference = key
    order.shipped_items = [
      {
        type: deliveryTypeFor(listing.format),
        items: [
          {
            ticket_group_id: toIdValue(listing.ref),
            quantity,
            price: minorToDecimal(listing.price.amountMinor),
          },
        ],
      },
    ]
    const body = JSON.stringify({ orders: [order] })
    const endpoint = 'POST /v9/orders'
    const res = await this.#client.post('/v9/orders', body, credential, {
      endpoint,
      eventRef,
      order: true,
      notFound: { kind: 'error' },
      sourceKey: context.sourceKey,
    })
    const orders = parseOrders(this.#ctx(endpoint, eventRef), res.json)
    const placed = orders.find((o) => o.reference === key) ?? orders[0]
    if (!placed)
      throw new OrderRejected(this.slug, 'no_order', 'the platform answered without an order')
    const replayed = headerValue(res.headers, REPLAYED_HEADER) === 'true'
    return normaliseOrder(placed, replayed, listing.price)
  }

  /** Reconciliation: the order carrying this idempotency key, or null. */
  async findOrder(idempotencyKey: string, context: ConnectorContext): Promise<PlacedOrder | null> {
    const credential = readCredential(this.slug, context.credential)
    return this.#findOrder(checkKey(this.slug, idempotencyKey), credential, context)
  }

  async checkCredential(
    context: ConnectorContext
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      const credential = readCredential(this.slug, context.credential)
      await this.#client.get('/v9/events', { page: 1, per_page: 1 }, credential, {
        endpoint: 'GET /v9/events',
        sourceKey: context.sourceKey,
      })
      return { ok: true }
    } catch (error) {
      if (error instanceof CredentialRejected) return { ok: false, reason: error.message }
      throw error
    }
  }

  async #listings(
    eventRef: string,
    credential: TevoCredential,
    context: ConnectorContext
  ): Promise<{ listings: TevoListing[]; skipped: PayloadProblem[] }> {
    const endpoint = 'GET /v9/listings'
    // No pagination on this endpoint: page/per_page reportedly give HTTP 400.
    const json = await this.#client.get('/v9/listings', { event_id: eventRef }, credential, {
      endpoint,
      eventRef,
      notFound: { kind: 'event-gone', eventRef },
      sourceKey: context.sourceKey,
    })
    return parseListings(this.#ctx(endpoint, eventRef), json)
  }

  async #findOrder(
    key: string,
    credential: TevoCredential,
    context: ConnectorContext
  ): Promise<PlacedOrder | null> {
    const endpoint = 'GET /v9/orders'
    // (verify) that v9 filters the order index by `reference`; matching on the field
    // below keeps this safe if the filter is ignored.
    const json = await this.#client.get('/v9/orders', { reference: key }, credential, {
      endpoint,
      notFound: { kind: 'null' },
      sourceKey: context.sourceKey,
    })
    if (json === null) return null
    const match = parseOrders(this.#ctx(endpoint), json).find((o) => o.reference === key)
    return match ? normaliseOrder(match, true) : null
  }

  #ctx(endpoint: string, eventRef: string | null = null): PayloadContext {
    return { source: this.slug, endpoint, eventRef }
  }
}

function checkKey(source: string, key: string): string {
  const trimmed = key.trim()
  if (trimmed === '' || trimmed.length > 128) {
    throw new OrderRejected(
      source,
      'invalid_idempotency_key',
      'the idempotency key must be 1-128 characters'
    )
  }
  return trimmed
}

function toIdValue(id: string): number | string {
  const n = Number(id)
  return /^\d+$/.test(id) && Number.isSafeInteger(n) ? n : id
}
