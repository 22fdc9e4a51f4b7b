/**
 * Schemas for the Ticket Evolution v9 payloads this connector reads. Each
 * parser checks only what we use, keeps the platform's own field names, and
 * raises `InvalidPayload` naming the platform, endpoint, event and JSON path.
 * Unknown extra fields are ignored. Pure.
 */
import { eachValid, idField } from '#connectors/transport/each_valid'
import type { PayloadProblem } from '#connectors/contract'
import { InvalidPayload } from '#connectors/errors'
import { isDecimal } from '#connectors/ticketevolution/money'

export interface PayloadContext {
  source: string
  endpoint: string
  eventRef?: string | null
}

export interface TevoCategory {
  name: string
  parent: TevoCategory | null
}

export interface TevoVenue {
  name: string | null
  /** e.g. "Phoenix, AZ" */
  location: string | null
  city: string | null
  region: string | null
  countryCode: string | null
  timeZone: string | null
}

export interface TevoEvent {
  id: string
  name: string
  state: string
  /** Venue-local wall time mislabelled with `Z` (kept only as a fallback) */
  occurs_at: string | null
  /** Venue-local time with its real offset */
  occurs_at_local: string | null
  url: string | null
  category: TevoCategory | null
  venue: TevoVenue | null
  performers: Array<{ name: string; primary: boolean | null }>
  available_count: number | null
  products_count: number | null
}

export interface TevoEventsPage {
  events: TevoEvent[]
  /** Events that broke the schema: left out, each with its id and path */
  skipped: PayloadProblem[]
  current_page: number | null
  per_page: number | null
  total_entries: number | null
}

export interface TevoListing {
  id: string
  type: string | null
  section: string | null
  row: string | null
  quantity: number
  available_quantity: number | null
  splits: number[] | null
  retail_price: number | string | null
  format: string | null
  /**
   * Buyer charges, where the exchange states them beside the listing (the
   * built-in sandbox does, in an order body's words): per-ticket service fee
   * and tax, per-order shipping and its delivery type. Absent: unknown.
   */
  service_fee?: number | string | null
  tax?: number | string | null
  shipping?: number | string | null
  delivery_type?: string | null
  in_hand: boolean | null
  /** `in_hand_date` (Listings) or legacy `in_hand_on` (ticket_groups) */
  in_hand_date: string | null
  public_notes: string | null
}

export interface TevoOrderItem {
  ticket_group_id: string | null
  quantity: number
  price: number | string | null
}

export interface TevoOrder {
  id: string
  oid: string | null
  state: string
  reference: string | null
  items: TevoOrderItem[]
  total: number | string | null
  created_at: string | null
}

type Json = Record<string, unknown>

function fail(ctx: PayloadContext, path: string, reason: string): never {
  throw new InvalidPayload({
    source: ctx.source,
    endpoint: ctx.endpoint,
    eventRef: ctx.eventRef ?? null,
    path,
    reason,
  })
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object'
    ? 'an object'
    : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`
}

function object(ctx: PayloadContext, value: unknown, path: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(ctx, path, `expected an object, got ${describe(value)}`)
  }
  return value as Json
}

function array(ctx: PayloadContext, value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(ctx, path, `expected an array, got ${describe(value)}`)
  return value
}

function id(ctx: PayloadContext, value: unknown, path: string): string {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value)
  if (typeof value === 'string' && /^\d+$/.test(value)) return value
  return fail(ctx, path, `expected an integer id, got ${describe(value)}`)
}

function optId(ctx: PayloadContext, value: unknown, path: string): string | null {
  return value === null || value === undefined ? null : id(ctx, value, path)
}

function str(ctx: PayloadContext, value: unknown, path: string): string {
  if (typeof value !== 'string') fail(ctx, path, `expected a string, got ${describe(value)}`)
  return value
}

/** Optional text; numbers are accepted and stringified (sections and rows are often numeric). */
function optText(ctx: PayloadContext, value: unknown, path: string): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return fail(ctx, path, `expected a string or null, got ${describe(value)}`)
}

function count(ctx: PayloadContext, value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(ctx, path, `expected a non-negative integer, got ${describe(value)}`)
  }
  return value
}

function optCount(ctx: PayloadContext, value: unknown, path: string): number | null {
  return value === null || value === undefined ? null : count(ctx, value, path)
}

function optBool(ctx: PayloadContext, value: unknown, path: string): boolean | null {
  if (value === null || value === undefined) return null
  if (typeof value !== 'boolean') fail(ctx, path, `expected a boolean, got ${describe(value)}`)
  return value
}

function optDecimal(ctx: PayloadContext, value: unknown, path: string): number | string | null {
  if (value === null || value === undefined) return null
  if (!isDecimal(value)) fail(ctx, path, `expected a decimal amount, got ${describe(value)}`)
  return value
}

function optTimestamp(ctx: PayloadContext, value: unknown, path: string): string | null {
  if (value === null || value === undefined || value === '') return null
  const text = str(ctx, value, path)
  if (Number.isNaN(Date.parse(text)))
    fail(ctx, path, `expected an ISO 8601 time, got ${describe(value)}`)
  return text
}

function category(
  ctx: PayloadContext,
  value: unknown,
  path: string,
  depth = 0
): TevoCategory | null {
  if (value === null || value === undefined) return null
  if (depth > 8) fail(ctx, path, 'category nesting is too deep')
  const o = object(ctx, value, path)
  return {
    name: str(ctx, o.name, `${path}.name`),
    parent: category(ctx, o.parent, `${path}.parent`, depth + 1),
  }
}

function venue(ctx: PayloadContext, value: unknown, path: string): TevoVenue | null {
  if (value === null || value === undefined) return null
  const o = object(ctx, value, path)
  const address =
    o.address === null || o.address === undefined ? null : object(ctx, o.address, `${path}.address`)
  return {
    name: optText(ctx, o.name, `${path}.name`),
    location: optText(ctx, o.location, `${path}.location`),
    city: address ? optText(ctx, address.locality, `${path}.address.locality`) : null,
    region: address ? optText(ctx, address.region, `${path}.address.region`) : null,
    countryCode: address
      ? optText(ctx, address.country_code, `${path}.address.country_code`)
      : null,
    timeZone: optText(ctx, o.time_zone, `${path}.time_zone`),
  }
}

function performers(ctx: PayloadContext, value: unknown, path: string): TevoEvent['performers'] {
  if (value === null || value === undefined) return []
  return array(ctx, value, path).map((entry, i) => {
    const p = object(ctx, entry, `${path}[${i}]`)
    const performer = object(ctx, p.performer, `${path}[${i}].performer`)
    return {
      name: str(ctx, performer.name, `${path}[${i}].performer.name`),
      primary: optBool(ctx, p.primary, `${path}[${i}].primary`),
    }
  })
}

export function parseEvent(ctx: PayloadContext, value: unknown, path = '$'): TevoEvent {
  const o = object(ctx, value, path)
  const local = optTimestamp(ctx, o.occurs_at_local, `${path}.occurs_at_local`)
  if (local !== null && !/(?:[+-]\d{2}:?\d{2}|Z)$/.test(local)) {
    fail(ctx, `${path}.occurs_at_local`, 'expected a time with a UTC offset')
  }
  return {
    id: id(ctx, o.id, `${path}.id`),
    name: str(ctx, o.name, `${path}.name`),
    state: str(ctx, o.state, `${path}.state`),
    occurs_at: optTimestamp(ctx, o.occurs_at, `${path}.occurs_at`),
    occurs_at_local: local,
    url: optText(ctx, o.url, `${path}.url`),
    category: category(ctx, o.category, `${path}.category`),
    venue: venue(ctx, o.venue, `${path}.venue`),
    performers: performers(ctx, o.performances, `${path}.performances`),
    available_count: optCount(ctx, o.available_count, `${path}.available_count`),
    products_count: optCount(ctx, o.products_count, `${path}.products_count`),
  }
}

export function parseEventsPage(ctx: PayloadContext, value: unknown): TevoEventsPage {
  const o = object(ctx, value, '$')
  /** One malformed event costs only itself */
  const { valid: events, skipped } = eachValid(
    array(ctx, o.events, '$.events'),
    { item: 'event', pathOf: (i) => `$.events[${i}]`, idOf: (raw) => idField(raw) },
    (e, i) => parseEvent(ctx, e, `$.events[${i}]`)
  )
  return {
    events,
    skipped,
    current_page: optCount(ctx, o.current_page, '$.current_page'),
    per_page: optCount(ctx, o.per_page, '$.per_page'),
    total_entries: optCount(ctx, o.total_entries, '$.total_entries'),
  }
}

function splits(ctx: PayloadContext, value: unknown, path: string): number[] | null {
  if (value === null || value === undefined) return null
  return array(ctx, value, path).map((s, i) => {
    if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 1) {
      fail(ctx, `${path}[${i}]`, `expected a positive integer, got ${describe(s)}`)
    }
    return s
  })
}

export function parseListing(ctx: PayloadContext, value: unknown, path: string): TevoListing {
  const o = object(ctx, value, path)
  const quantity = o.quantity === undefined ? undefined : count(ctx, o.quantity, `${path}.quantity`)
  const available = optCount(ctx, o.available_quantity, `${path}.available_quantity`)
  if (quantity === undefined && available === null)
    fail(ctx, `${path}.quantity`, 'missing quantity')
  const inHandDate = o.in_hand_date !== undefined ? o.in_hand_date : o.in_hand_on
  return {
    id: id(ctx, o.id, `${path}.id`),
    type: optText(ctx, o.type, `${path}.type`),
    section: optText(ctx, o.section, `${path}.section`),
    row: optText(ctx, o.row, `${path}.row`),
    quantity: quantity ?? (available as number),
    available_quantity: available,
    splits: splits(ctx, o.splits, `${path}.splits`),
    retail_price: optDecimal(ctx, o.retail_price, `${path}.retail_price`),
    format: optText(ctx, o.format, `${path}.format`),
    service_fee: optDecimal(ctx, o.service_fee, `${path}.service_fee`),
    tax: optDecimal(ctx, o.tax, `${path}.tax`),
    shipping: optDecimal(ctx, o.shipping, `${path}.shipping`),
    delivery_type: optText(ctx, o.delivery_type, `${path}.delivery_type`),
    in_hand: optBool(ctx, o.in_hand, `${path}.in_hand`),
    in_hand_date: optText(
      ctx,
      inHandDate,
      o.in_hand_date !== undefined ? `${path}.in_hand_date` : `${path}.in_hand_on`
    ),
    public_notes: optText(ctx, o.public_notes, `${path}.public_notes`),
  }
}

/**
 * `GET /v9/listings?event_id=` answers `{ticket_groups: [...]}` (observed) or
 * `{listings: [...]}` (documented); the legacy fixture is a bare array. All three are accepted.
 */
export function parseListings(
  ctx: PayloadContext,
  value: unknown
): { listings: TevoListing[]; skipped: PayloadProblem[] } {
  let items: unknown[]
  let base: string
  if (Array.isArray(value)) {
    items = value
    base = '$'
  } else {
    const o = object(ctx, value, '$')
    if (o.ticket_groups !== undefined) {
      items = array(ctx, o.ticket_groups, '$.ticket_groups')
      base = '$.ticket_groups'
    } else if (o.listings !== undefined) {
      items = array(ctx, o.listings, '$.listings')
      base = '$.listings'
    } else {
      return fail(
        ctx,
        '$.ticket_groups',
        'missing listings array (neither `ticket_groups` nor `listings`)'
      )
    }
  }
  /** A malformed listing is reported and left out (its stored row is kept as it was); the rest are read */
  const { valid, skipped } = eachValid(
    items,
    { item: 'listing', pathOf: (i) => `${base}[${i}]`, idOf: (raw) => idField(raw) },
    (item, i) => parseListing(ctx, item, `${base}[${i}]`)
  )
  return { listings: valid, skipped }
}

function orderItems(ctx: PayloadContext, o: Json, path: string): TevoOrderItem[] {
  const raw: Array<[unknown, string]> = []
  if (o.items !== undefined && o.items !== null) {
    array(ctx, o.items, `${path}.items`).forEach((item, i) =>
      raw.push([item, `${path}.items[${i}]`])
    )
  }
  if (o.shipped_items !== undefined && o.shipped_items !== null) {
    array(ctx, o.shipped_items, `${path}.shipped_items`).forEach((shipped, s) => {
      const so = object(ctx, shipped, `${path}.shipped_items[${s}]`)
      array(ctx, so.items, `${path}.shipped_items[${s}].items`).forEach((item, i) =>
        raw.push([item, `${path}.shipped_items[${s}].items[${i}]`])
      )
    })
  }
  return raw.map(([item, itemPath]) => {
    const io = object(ctx, item, itemPath)
    const group =
      io.ticket_group !== undefined && io.ticket_group !== null
        ? object(ctx, io.ticket_group, `${itemPath}.ticket_group`)
        : null
    return {
      ticket_group_id: group
        ? optId(ctx, group.id, `${itemPath}.ticket_group.id`)
        : optId(ctx, io.ticket_group_id, `${itemPath}.ticket_group_id`),
      quantity: count(ctx, io.quantity, `${itemPath}.quantity`),
      price: optDecimal(ctx, io.price, `${itemPath}.price`),
    }
  })
}

export function parseOrder(ctx: PayloadContext, value: unknown, path: string): TevoOrder {
  const o = object(ctx, value, path)
  return {
    id: id(ctx, o.id, `${path}.id`),
    oid: optText(ctx, o.oid, `${path}.oid`),
    state: o.state === undefined ? 'pending' : str(ctx, o.state, `${path}.state`),
    reference: optText(ctx, o.reference, `${path}.reference`),
    items: orderItems(ctx, o, path),
    total: optDecimal(ctx, o.total, `${path}.total`),
    created_at: optTimestamp(ctx, o.created_at, `${path}.created_at`),
  }
}

/** `{orders: [...]}` from `POST /v9/orders` and `GET /v9/orders`. */
export function parseOrders(ctx: PayloadContext, value: unknown): TevoOrder[] {
  const o = object(ctx, value, '$')
  return array(ctx, o.orders, '$.orders').map((order, i) =>
    parseOrder(ctx, order, `$.orders[${i}]`)
  )
}

export interface FieldErrors {
  field: string
  messages: string[]
}

/**
 * The 422 `errors` map `{field: [messages]}`, at the top level (v8 cassettes)
 * or inside the first order. Null when the body carries no such map.
 */
export function parseErrorsMap(value: unknown): FieldErrors[] | null {
  if (value === null || typeof value !== 'object') return null
  const o = value as Json
  let errors = o.errors
  if (
    errors === undefined &&
    Array.isArray(o.orders) &&
    o.orders[0] &&
    typeof o.orders[0] === 'object'
  ) {
    errors = (o.orders[0] as Json).errors
  }
  if (errors === null || typeof errors !== 'object' || Array.isArray(errors)) return null
  const out: FieldErrors[] = []
  for (const [field, messages] of Object.entries(errors as Json)) {
    if (typeof messages === 'string') out.push({ field, messages: [messages] })
    else if (Array.isArray(messages)) out.push({ field, messages: messages.map(String) })
  }
  return out
}
