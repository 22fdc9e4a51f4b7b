/**
 * The built-in sandbox exchange: a node:http server speaking the subset of the
 * Ticket Evolution v9 protocol the `ticketevolution` connector uses, over a
 * `MarketSimulator`. Requests are authenticated exactly like TEvo (X-Token +
 * X-Signature over the sorted query or the raw body); answers are rendered
 * once per event and market version and served from cache.
 *
 * Routes:
 *   GET  /v9/events?q=&performer_id=&category_id=&occurs_at.gte=&occurs_at.lt=&page=&per_page=
 *   GET  /v9/events/:id
 *   GET  /v9/listings?event_id=          (no pagination: page/per_page → 400, like TEvo)
 *   POST /v9/orders                      {"orders":[{reference, shipped_items:[{type, items:[{ticket_group_id, quantity, price}]}]}]}
 *   GET  /v9/orders?reference=
 *   Admin (signed too): POST /__sandbox/mutate, POST /__sandbox/order-responses, POST /__sandbox/fault,
 *                       GET /__sandbox/orders
 *
 * Opt-in request log (`requestLog`, `sandbox:serve --request-log=FILE`): one
 * line per request, appended when its answer is sent or its client goes away,
 * five tab-separated fields:
 *   <arrival, ms since the epoch> <method> <path and query> <status; 0: the client went away first> <ms taken>
 * so a benchmark can count what reached the exchange (e.g. a pair whose
 * market was fetched twice within its check interval). Headers and bodies
 * (the credential's token and signature, order bodies) are never written.
 */
import { createWriteStream, type WriteStream } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { canonicalQuery, signaturesEqual, signString } from '#connectors/ticketevolution/signing'
import { decimalToMinor, minorToDecimal } from '#connectors/ticketevolution/money'
import type MarketSimulator from '#sandbox/market_simulator'
import { buyerCharges } from '#sandbox/fee_schedule'
import type { SimEvent, SimEventState, SimListing, SplitRule } from '#sandbox/market_simulator'
import {
  SANDBOX_CREDENTIALS,
  type SandboxCredential,
} from '#connectors/sandbox/sandbox_credentials'

export interface SandboxOrder {
  id: number
  oid: string
  reference: string | null
  eventId: number
  listingId: number
  quantity: number
  priceCents: number
  totalCents: number
  /** `pending` until the seller accepts it (`acceptOrdersAfterMs`), as on Ticket Evolution */
  state: 'pending' | 'accepted'
  createdAt: string
  /** On the exchange's clock, for the move to `accepted` */
  createdMs: number
  json: string
}

export type OrderResponseMode =
  | { mode: 'normal' }
  /** Commit the order, then answer only after `delayMs` */
  | { mode: 'delay'; delayMs: number; count?: number }
  /** Commit the order, then close the connection without answering */
  | { mode: 'drop'; count?: number }

export interface ExchangeServerOptions {
  simulator: MarketSimulator
  credentials?: SandboxCredential[]
  /** Per-order ticket limit (422 above it) */
  maxQuantityPerOrder?: number
  /** Array key of GET /v9/listings: TEvo has been seen answering `ticket_groups`; docs say `listings` */
  listingsKey?: 'ticket_groups' | 'listings'
  /** Advance the market on the real clock every N ms; null: only through `tick`/the admin hook */
  tickIntervalMs?: number | null
  /** The clock for ticks and order times (defaults to Date.now) */
  clock?: () => number
  /** Upper bound of the rendered-response cache (least recently used first out); default 64 MB */
  cacheBytes?: number
  /**
   * An order is `pending` until the seller accepts it: after this many ms
   * (default 20 s) reading it back (`GET /v9/orders`) finds it `accepted`.
   * null: orders stay pending (tests of the pending path).
   */
  acceptOrdersAfterMs?: number | null
  /** A file to append one line per request to (above); unset: no log */
  requestLog?: string
}

export interface ExchangeStats {
  requests: number
  unauthorized: number
  ordersCreated: number
  ordersReplayed: number
  ordersRejected: number
}

interface EventCache {
  version: number
  eventBody: Buffer
  listingsBody: Buffer
}

const JSON_TYPE = 'application/json; charset=utf-8'
const UNAUTHORIZED = Buffer.from('{"error":"Unauthorized"}')
const NOT_FOUND = Buffer.from('{"error":"Not Found"}')
const MAX_BODY_BYTES = 1 << 20
const MAX_PER_PAGE = 100

/**
 * Opens the request log for appending: a path that cannot be written fails
 * the start, named; a write that fails later (a full disk) is reported once
 * and ends the log, never the exchange.
 */
function openLog(path: string): Promise<WriteStream> {
  return new Promise((resolve, reject) => {
    const stream = createWriteStream(path, { flags: 'a' })
    const failed = (error: Error) =>
      reject(new Error(`sandbox request log ${path}: ${error.message}`, { cause: error }))
    stream.once('error', failed)
    stream.once('open', () => {
      stream.off('error', failed)
      stream.once('error', (error) =>
        process.emitWarning(`sandbox request log ${path}: ${error.message}; no more lines written`)
      )
      resolve(stream)
    })
  })
}

function splitRuleOf(value: unknown): SplitRule | undefined {
  return value === 'any' || value === 'pairs' || value === 'whole' || value === 'no_single_left'
    ? value
    : undefined
}

export default class ExchangeServer {
  readonly simulator: MarketSimulator
  readonly stats: ExchangeStats = {
    requests: 0,
    unauthorized: 0,
    ordersCreated: 0,
    ordersReplayed: 0,
    ordersRejected: 0,
  }
  readonly maxQuantityPerOrder: number
  readonly #secrets: Map<string, string>
  readonly #listingsKey: string
  readonly #tickIntervalMs: number | null
  readonly #clock: () => number
  /** Rendered answers per event, in least-recently-used order */
  readonly #cache = new Map<number, EventCache>()
  readonly #cacheLimit: number
  #cacheSize = 0
  readonly #orders: SandboxOrder[] = []
  #acceptAfterMs: number | null
  readonly #ordersByReference = new Map<string, SandboxOrder>()
  readonly #performerIds = new Map<string, number>()
  readonly #categoryIds = new Map<string, number>()
  #orderResponse: OrderResponseMode = { mode: 'normal' }
  #faultStatus: number | null = null
  #eventFaults = new Map<number, number | 'malformed'>()
  #server: Server | null = null
  #timer: NodeJS.Timeout | null = null
  #url = ''
  readonly #requestLogPath: string | undefined
  #requestLog: WriteStream | null = null

  constructor(options: ExchangeServerOptions) {
    this.simulator = options.simulator
    this.maxQuantityPerOrder = options.maxQuantityPerOrder ?? 8
    this.#secrets = new Map(
      (options.credentials ?? [SANDBOX_CREDENTIALS]).map((c) => [c.token, c.secret])
    )
    this.#listingsKey = options.listingsKey ?? 'ticket_groups'
    this.#tickIntervalMs = options.tickIntervalMs ?? null
    this.#clock = options.clock ?? Date.now
    this.#acceptAfterMs =
      options.acceptOrdersAfterMs === undefined ? 20_000 : options.acceptOrdersAfterMs
    this.#cacheLimit = options.cacheBytes ?? 64 * 1024 * 1024
    this.#categoryIds.set('Sports', 1)
    this.#requestLogPath = options.requestLog
  }

  /** Listens on `host:port` (port 0: a free port). Resolves with the base URL for the connector. */
  async start(port = 0, host = '127.0.0.1'): Promise<{ port: number; url: string }> {
    if (this.#server) throw new Error('sandbox exchange already started')
    if (this.#requestLogPath !== undefined) this.#requestLog = await openLog(this.#requestLogPath)
    const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => this.#handle(req, res))
    server.headersTimeout = 66_000
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve()
      })
    }).catch(async (error) => {
      await this.#closeLog()
      throw error
    })
    this.#server = server
    const address = server.address() as AddressInfo
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
    this.#url = `http://${shownHost}:${address.port}`
    if (this.#tickIntervalMs !== null) {
      this.#timer = setInterval(() => this.simulator.tick(this.#clock()), this.#tickIntervalMs)
      this.#timer.unref()
    }
    return { port: address.port, url: this.#url }
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    const server = this.#server
    this.#server = null
    if (!server) return
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
    await this.#closeLog()
  }

  /** Ends the request log once its lines are on disk. */
  async #closeLog() {
    const log = this.#requestLog
    this.#requestLog = null
    if (log) await new Promise<void>((resolve) => log.end(resolve))
  }

  /** Base URL once started, e.g. http://127.0.0.1:54321 */
  get url(): string {
    return this.#url
  }

  orders(): readonly SandboxOrder[] {
    return this.#orders
  }

  /** Test hook: change the market; caches follow the simulator's versions. */
  mutate<T>(change: (simulator: MarketSimulator) => T): T {
    return change(this.simulator)
  }

  /** Test hook: answer every /v9 request with this status (e.g. 500, 503, 429); null to heal. */
  setFault(status: number | null): void {
    this.#faultStatus = status
  }

  /**
   * Test hook: answer the requests about one event (its page and its
   * listings) with this status, or with listings that are not a list
   * ('malformed'); null to heal. The other events answer as usual.
   */
  setEventFault(eventId: number, fault: number | 'malformed' | null): void {
    if (fault === null) this.#eventFaults.delete(eventId)
    else this.#eventFaults.set(eventId, fault)
  }

  /** Test hook for crash tests: accept orders, then delay or drop the answer. */
  setOrderResponse(mode: OrderResponseMode): void {
    this.#orderResponse = mode
  }

  // ---- HTTP ----

  #handle(req: IncomingMessage, res: ServerResponse): void {
    this.stats.requests++
    if (this.#requestLog) this.#logRequest(req, res, this.#requestLog)
    const rawUrl = req.url ?? '/'
    const q = rawUrl.indexOf('?')
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q)
    const rawQuery = q === -1 ? '' : rawUrl.slice(q + 1)
    if (this.#faultStatus !== null && path.startsWith('/v9/')) {
      req.resume()
      return this.#json(
        res,
        this.#faultStatus,
        { error: 'sandbox fault injected' },
        this.#faultStatus === 429 ? { 'retry-after': '1' } : {}
      )
    }
    if (req.method === 'GET') {
      const params = new URLSearchParams(rawQuery)
      if (
        !this.#authorised(req, `GET ${req.headers.host ?? ''}${path}?${canonicalQuery(params)}`)
      ) {
        return this.#send(res, 401, UNAUTHORIZED)
      }
      return this.#get(path, params, res)
    }
    if (req.method === 'POST') {
      const chunks: Buffer[] = []
      let size = 0
      req.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size <= MAX_BODY_BYTES) chunks.push(chunk)
      })
      req.on('end', () => {
        if (size > MAX_BODY_BYTES)
          return this.#json(res, 413, { error: 'Request Entity Too Large' })
        const body = Buffer.concat(chunks).toString('utf8')
        if (!this.#authorised(req, `POST ${req.headers.host ?? ''}${path}?${body}`)) {
          return this.#send(res, 401, UNAUTHORIZED)
        }
        this.#post(path, body, res)
      })
      return
    }
    this.#json(res, 405, { error: 'Method Not Allowed' })
  }

  #logRequest(req: IncomingMessage, res: ServerResponse, log: WriteStream): void {
    const at = Date.now()
    const started = performance.now()
    /** A request line holds no whitespace; should one reach here, it would not split the line's fields. */
    const target = (req.url ?? '/').replace(/\s/g, encodeURIComponent)
    res.once('close', () => {
      if (log.errored || log.writableEnded) return
      const status = res.writableFinished ? res.statusCode : 0
      const ms = Math.round((performance.now() - started) * 10) / 10
      log.write(`${at}\t${req.method}\t${target}\t${status}\t${ms}\n`)
    })
  }

  #authorised(req: IncomingMessage, toSign: string): boolean {
    const token = req.headers['x-token']
    const signature = req.headers['x-signature']
    const secret = typeof token === 'string' ? this.#secrets.get(token) : undefined
    const ok =
      secret !== undefined &&
      typeof signature === 'string' &&
      signaturesEqual(signString(secret, toSign), signature)
    if (!ok) this.stats.unauthorized++
    return ok
  }

  #send(
    res: ServerResponse,
    status: number,
    body: Buffer,
    headers: Record<string, string> = {}
  ): void {
    res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': body.length, ...headers })
    res.end(body)
  }

  #json(
    res: ServerResponse,
    status: number,
    value: unknown,
    headers: Record<string, string> = {}
  ): void {
    this.#send(res, status, Buffer.from(JSON.stringify(value)), headers)
  }

  #get(path: string, params: URLSearchParams, res: ServerResponse): void {
    if (this.#eventFaults.size > 0) {
      const eventId = Number(
        path === '/v9/listings' ? params.get('event_id') : path.slice('/v9/events/'.length)
      )
      const fault = this.#eventFaults.get(eventId)
      if (fault === 'malformed' && path === '/v9/listings')
        return this.#json(res, 200, { [this.#listingsKey]: 'not a list' })
      if (typeof fault === 'number')
        return this.#json(
          res,
          fault,
          { error: 'sandbox fault injected' },
          fault === 429 ? { 'retry-after': '1' } : {}
        )
    }
    if (path === '/v9/listings') {
      if (params.has('page') || params.has('per_page')) {
        return this.#json(res, 400, { error: 'pagination is not supported on listings' })
      }
      const id = Number(params.get('event_id'))
      const cached = Number.isSafeInteger(id) ? this.#cached(id) : null
      return cached ? this.#send(res, 200, cached.listingsBody) : this.#send(res, 404, NOT_FOUND)
    }
    if (path.startsWith('/v9/events/')) {
      const id = Number(path.slice('/v9/events/'.length))
      const cached = Number.isSafeInteger(id) ? this.#cached(id) : null
      return cached ? this.#send(res, 200, cached.eventBody) : this.#send(res, 404, NOT_FOUND)
    }
    if (path === '/v9/events') return this.#eventsIndex(params, res)
    if (path === '/v9/orders') {
      const reference = params.get('reference')
      const found =
        reference !== null ? this.#orders.filter((o) => o.reference === reference) : this.#orders
      const page = found.slice(0, MAX_PER_PAGE)
      const body = `{"current_page":1,"per_page":${MAX_PER_PAGE},"total_entries":${found.length},"orders":[${page.map((o) => this.#orderJson(o)).join(',')}]}`
      return this.#send(res, 200, Buffer.from(body))
    }
    if (path === '/__sandbox/orders') {
      return this.#send(
        res,
        200,
        Buffer.from(`{"orders":[${this.#orders.map((o) => this.#orderJson(o)).join(',')}]}`)
      )
    }
    this.#send(res, 404, NOT_FOUND)
  }

  #post(path: string, body: string, res: ServerResponse): void {
    let json: unknown
    try {
      json = JSON.parse(body)
    } catch {
      return this.#json(res, 422, { errors: { base: ['body is not valid JSON'] } })
    }
    if (path === '/v9/orders') return this.#createOrder(json, res)
    if (path === '/__sandbox/mutate') return this.#adminMutate(json, res)
    if (path === '/__sandbox/order-responses') {
      const o = json as Record<string, unknown>
      if (o.mode === 'delay')
        this.setOrderResponse({
          mode: 'delay',
          delayMs: Number(o.delayMs ?? 1000),
          count: o.count === undefined ? undefined : Number(o.count),
        })
      else if (o.mode === 'drop')
        this.setOrderResponse({
          mode: 'drop',
          count: o.count === undefined ? undefined : Number(o.count),
        })
      else this.setOrderResponse({ mode: 'normal' })
      return this.#json(res, 200, { ok: true })
    }
    if (path === '/__sandbox/fault') {
      const status = (json as Record<string, unknown>)?.status
      this.setFault(typeof status === 'number' ? status : null)
      return this.#json(res, 200, { ok: true })
    }
    this.#send(res, 404, NOT_FOUND)
  }

  // ---- rendering (cached per event version) ----

  #cached(eventId: number): EventCache | null {
    const event = this.simulator.event(eventId)
    if (!event) return null
    let entry = this.#cache.get(eventId)
    if (entry) {
      this.#cache.delete(eventId)
      this.#cacheSize -= entry.eventBody.length + entry.listingsBody.length
      if (entry.version !== event.version) entry = undefined
    }
    if (!entry) {
      const listings = this.simulator.listings(eventId)
      const rendered = listings.map((l) => this.#renderListing(l, event.venue.region)).join(',')
      entry = {
        version: event.version,
        eventBody: Buffer.from(this.#renderEvent(event, listings)),
        listingsBody: Buffer.from(`{"${this.#listingsKey}":[${rendered}]}`),
      }
    }
    this.#cache.set(eventId, entry)
    this.#cacheSize += entry.eventBody.length + entry.listingsBody.length
    while (this.#cacheSize > this.#cacheLimit && this.#cache.size > 1) {
      const [oldestId, oldest] = this.#cache.entries().next().value!
      this.#cache.delete(oldestId)
      this.#cacheSize -= oldest.eventBody.length + oldest.listingsBody.length
    }
    return entry
  }

  #idFor(map: Map<string, number>, name: string, base: number): number {
    let id = map.get(name)
    if (id === undefined) {
      id = base + map.size
      map.set(name, id)
    }
    return id
  }

  /** Category and performer ids are handed out in the order events are first seen. */
  #assignIds(event: SimEvent) {
    return {
      sportId: this.#idFor(this.#categoryIds, event.sport, 1),
      leagueId: this.#idFor(this.#categoryIds, `${event.sport}/${event.league}`, 1),
      homeId: this.#idFor(this.#performerIds, event.homeTeam, 50_001),
      awayId: this.#idFor(this.#performerIds, event.awayTeam, 50_001),
    }
  }

  #renderEvent(event: SimEvent, listings: readonly SimListing[]): string {
    let available = 0
    for (const l of listings) available += l.available
    const { sportId, leagueId, homeId, awayId } = this.#assignIds(event)
    return JSON.stringify({
      id: event.id,
      url: `/events/${event.id}`,
      name: event.name,
      state: event.state,
      // TEvo's trap, reproduced: local wall time labelled as UTC
      occurs_at: `${event.localWallTime}Z`,
      occurs_at_local: `${event.localWallTime}${event.utcOffset}`,
      updated_at: new Date(event.updatedAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      notes: `${event.league} regular-season game`,
      owned_by_office: false,
      products_count: listings.length,
      available_count: available,
      category: {
        id: String(leagueId),
        name: event.league,
        parent: {
          id: String(sportId),
          name: event.sport,
          parent: { id: '1', name: 'Sports', parent: null },
        },
      },
      venue: {
        id: String(event.venue.id),
        name: event.venue.name,
        location: `${event.venue.city}, ${event.venue.region}`,
        time_zone: event.venue.timeZone,
        address: {
          locality: event.venue.city,
          region: event.venue.region,
          country_code: event.venue.country,
        },
      },
      performances: [
        {
          primary: true,
          performer: { id: String(homeId), name: event.homeTeam },
        },
        {
          primary: false,
          performer: { id: String(awayId), name: event.awayTeam },
        },
      ],
    })
  }

  /**
   * The Listings fields the connector reads (TEvo also nests the event; left out to keep answers small),
   * with the buyer's charges of a checkout (fee_schedule.ts) in an order body's words.
   */
  #renderListing(l: SimListing, region: string): string {
    const charges = buyerCharges(l.retailCents, l.format, region)
    return JSON.stringify({
      id: l.id,
      type: 'event',
      section: l.section,
      row: l.row,
      quantity: l.available,
      available_quantity: l.available,
      splits: l.splits,
      retail_price: l.retailCents / 100,
      wholesale_price: l.wholesaleCents / 100,
      format: l.format,
      service_fee: charges.serviceFeeCents / 100,
      tax: charges.taxCents / 100,
      shipping: charges.shippingCents / 100,
      delivery_type: charges.deliveryType,
      instant_delivery: false,
      in_hand: l.inHand,
      in_hand_date: l.inHandDate,
      public_notes: l.publicNotes,
    })
  }

  #eventsIndex(params: URLSearchParams, res: ServerResponse): void {
    const words = (params.get('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean)
    const performerId = params.get('performer_id')
    const categoryId = params.get('category_id')
    const gte = params.has('occurs_at.gte') ? Date.parse(params.get('occurs_at.gte')!) : null
    const lt = params.has('occurs_at.lt') ? Date.parse(params.get('occurs_at.lt')!) : null
    const page = Math.max(1, Math.trunc(Number(params.get('page') ?? 1)) || 1)
    const perPage = Math.min(
      MAX_PER_PAGE,
      Math.max(1, Math.trunc(Number(params.get('per_page') ?? MAX_PER_PAGE)) || MAX_PER_PAGE)
    )
    const matched: SimEvent[] = []
    for (const event of this.simulator.events()) {
      /**
       * The event's performer and category ids, as rendering it would assign
       * them; rendering every event (and its listings) for one page thrashed
       * the answer cache at 10,000 events × 50 listings: ~4 s a page.
       */
      this.#assignIds(event)
      if (words.length) {
        const haystack =
          `${event.name} ${event.venue.name} ${event.venue.city} ${event.league} regular-season game`.toLowerCase()
        if (!words.every((w) => haystack.includes(w))) continue
      }
      const wall = Date.parse(`${event.localWallTime}Z`)
      if (gte !== null && !Number.isNaN(gte) && wall < gte) continue
      if (lt !== null && !Number.isNaN(lt) && wall >= lt) continue
      if (performerId !== null) {
        const ids = [
          this.#performerIds.get(event.homeTeam),
          this.#performerIds.get(event.awayTeam),
        ].map(String)
        if (!ids.includes(performerId)) continue
      }
      if (categoryId !== null) {
        const ids = [
          '1',
          this.#categoryIds.get(event.sport),
          this.#categoryIds.get(`${event.sport}/${event.league}`),
        ].map(String)
        if (!ids.includes(categoryId)) continue
      }
      matched.push(event)
    }
    matched.sort((a, b) => a.startsAtMs - b.startsAtMs || a.id - b.id)
    const slice = matched.slice((page - 1) * perPage, page * perPage)
    const body = `{"current_page":${page},"per_page":${perPage},"total_entries":${matched.length},"events":[${slice
      .map((e) => this.#cached(e.id)!.eventBody.toString('utf8'))
      .join(',')}]}`
    this.#send(res, 200, Buffer.from(body))
  }

  // ---- orders ----

  /** Test hook: when the seller accepts orders from now on (null: never). */
  acceptOrdersAfter(ms: number | null) {
    this.#acceptAfterMs = ms
  }

  /** The order as the exchange answers it now: accepted by the seller once its time has come. */
  #orderJson(order: SandboxOrder): string {
    if (
      order.state === 'pending' &&
      this.#acceptAfterMs !== null &&
      this.#clock() - order.createdMs >= this.#acceptAfterMs
    ) {
      order.state = 'accepted'
      order.json = order.json.replace('"state":"pending"', '"state":"accepted"')
    }
    return order.json
  }

  #reject(res: ServerResponse, errors: Record<string, string[]>): void {
    this.stats.ordersRejected++
    this.#json(res, 422, { errors })
  }

  #createOrder(json: unknown, res: ServerResponse): void {
    const orders = (json as { orders?: unknown })?.orders
    if (
      !Array.isArray(orders) ||
      orders.length !== 1 ||
      !orders[0] ||
      typeof orders[0] !== 'object'
    ) {
      return this.#reject(res, { orders: ['must hold exactly one order'] })
    }
    const order = orders[0] as Record<string, unknown>
    const reference =
      typeof order.reference === 'string' && order.reference !== '' ? order.reference : null
    if (reference !== null) {
      const first = this.#ordersByReference.get(reference)
      if (first) {
        this.stats.ordersReplayed++
        return this.#send(res, 200, Buffer.from(`{"orders":[${this.#orderJson(first)}]}`), {
          'idempotent-replayed': 'true',
        })
      }
    }
    const items: unknown[] = []
    if (Array.isArray(order.items)) items.push(...order.items)
    if (Array.isArray(order.shipped_items)) {
      for (const shipped of order.shipped_items) {
        const s = shipped as Record<string, unknown> | null
        if (!s || typeof s.type !== 'string')
          return this.#reject(res, { shipped_items: ['each needs a delivery type'] })
        if (Array.isArray(s.items)) items.push(...s.items)
      }
    }
    if (items.length !== 1 || !items[0] || typeof items[0] !== 'object') {
      return this.#reject(res, { items: ['an order holds exactly one item'] })
    }
    const item = items[0] as Record<string, unknown>
    const listingId = Number(item.ticket_group_id)
    const quantity = item.quantity
    const listing = Number.isSafeInteger(listingId) ? this.simulator.listing(listingId) : undefined
    if (!listing) return this.#reject(res, { ticket_group_id: ['is not available'] })
    if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 1) {
      return this.#reject(res, { quantity: ['must be a positive integer'] })
    }
    if (quantity > this.maxQuantityPerOrder) {
      return this.#reject(res, {
        quantity: [`exceeds the per-order limit of ${this.maxQuantityPerOrder}`],
      })
    }
    const priceCents =
      typeof item.price === 'number' || typeof item.price === 'string'
        ? decimalToMinor(item.price)
        : null
    if (priceCents === null || priceCents <= 0)
      return this.#reject(res, { price: ['must be a positive decimal amount'] })
    if (priceCents < listing.wholesaleCents)
      return this.#reject(res, { price: ['is below the wholesale price'] })
    const outcome = this.simulator.applyOrder(listingId, quantity)
    if (!outcome.ok) {
      const field =
        outcome.code === 'event_not_shown'
          ? 'event'
          : outcome.code === 'listing_not_found'
            ? 'ticket_group_id'
            : 'quantity'
      return this.#reject(res, { [field]: [outcome.message] })
    }

    const id = 700_001 + this.#orders.length
    const createdAt = new Date(this.#clock()).toISOString().replace(/\.\d{3}Z$/, 'Z')
    const total = priceCents * quantity
    const record: SandboxOrder = {
      id,
      oid: `${300_001 + this.#orders.length}-${id}`,
      reference,
      eventId: outcome.event.id,
      listingId,
      quantity,
      priceCents,
      totalCents: total,
      state: 'pending',
      createdAt,
      createdMs: this.#clock(),
      json: '',
    }
    record.json = JSON.stringify({
      id,
      oid: record.oid,
      state: record.state,
      reference,
      seller_id: order.seller_id ?? null,
      client_id: order.client_id ?? null,
      created_at: createdAt,
      subtotal: minorToDecimal(total),
      total: minorToDecimal(total),
      items: [
        {
          id: id * 10,
          quantity,
          price: minorToDecimal(priceCents),
          ticket_group: { id: listingId, section: listing.section, row: listing.row },
        },
      ],
      event: { id: outcome.event.id, name: outcome.event.name },
    })
    this.#orders.push(record)
    if (reference !== null) this.#ordersByReference.set(reference, record)
    this.stats.ordersCreated++

    const body = Buffer.from(`{"orders":[${record.json}]}`)
    const mode = this.#orderResponse
    if (mode.mode !== 'normal') {
      if (mode.count !== undefined) {
        mode.count--
        if (mode.count <= 0) this.#orderResponse = { mode: 'normal' }
      }
      if (mode.mode === 'drop') {
        res.socket?.destroy()
        return
      }
      setTimeout(() => {
        if (!res.destroyed && !res.writableEnded) this.#send(res, 201, body)
      }, mode.delayMs)
      return
    }
    this.#send(res, 201, body)
  }

  #adminMutate(json: unknown, res: ServerResponse): void {
    const o = (json ?? {}) as Record<string, unknown>
    const sim = this.simulator
    try {
      let result: unknown
      switch (o.op) {
        case 'setPrice':
          result = sim.setPrice(Number(o.listingId), Number(o.retailCents))
          break
        case 'setAvailable':
          result = sim.setAvailable(Number(o.listingId), Number(o.available))
          break
        case 'setSplitRule':
          result = sim.setSplitRule(Number(o.listingId), splitRuleOf(o.rule) ?? 'any')
          break
        case 'setState':
          result = sim.setState(Number(o.eventId), String(o.state) as SimEventState)
          break
        case 'addListing':
          result = sim.addListing(Number(o.eventId), {
            quantity: o.quantity === undefined ? undefined : Number(o.quantity),
            retailCents: o.retailCents === undefined ? undefined : Number(o.retailCents),
            section: typeof o.section === 'string' ? o.section : undefined,
            row: typeof o.row === 'string' ? o.row : undefined,
            splitRule: splitRuleOf(o.splitRule),
          })
          break
        case 'removeListing':
          sim.removeListing(Number(o.listingId))
          result = null
          break
        case 'tick':
          result = sim.tick(o.nowMs === undefined ? this.#clock() : Number(o.nowMs))
          break
        default:
          return this.#json(res, 422, { errors: { op: ['unknown operation'] } })
      }
      this.#json(res, 200, { ok: true, result })
    } catch (error) {
      this.#json(res, 422, { errors: { base: [(error as Error).message] } })
    }
  }
}
