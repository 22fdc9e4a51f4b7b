/**
 * Ticket Evolution payloads (validated by payloads.ts) → the normalised model.
 * Pure: data in, data out; the caller passes `now`.
 *
 * Traps handled here (API-NOTES §3, §7):
 * - `occurs_at` is venue-local wall time mislabelled with `Z`; the real instant
 *   comes from `occurs_at_local` (which carries the offset).
 * - TBD events carry a local time of 00:00:00.
 * - `state` is `shown` | `postponed` | `canceled` (single L).
 * - Prices are decimal USD with no currency field; `retail_price` is the buyer's
 *   per-ticket price before service fee, shipping and tax; `wholesale_price` is
 *   the broker's cost and is never exposed as a buyer price.
 */
import type {
  MarketSnapshot,
  Money,
  NormalisedEvent,
  NormalisedEventStatus,
  NormalisedListing,
  PlacedOrder,
  PriceSummary,
} from '#connectors/contract'
import { decimalToMinor } from '#connectors/ticketevolution/money'
import type {
  TevoCategory,
  TevoEvent,
  TevoListing,
  TevoOrder,
} from '#connectors/ticketevolution/payloads'

export const CURRENCY = 'USD'

/** How long after the start an event still counts as not ended. */
const EVENT_DURATION_MS = 12 * 3600_000

export function usd(amountMinor: number): Money {
  return { amountMinor, currency: CURRENCY }
}

function priceOf(value: number | string | null): Money | null {
  if (value === null) return null
  const minor = decimalToMinor(value)
  return minor === null || minor <= 0 ? null : usd(minor)
}

/** A stated charge: ≥ 0 minor units; null when absent or unreadable (never taken for 0). */
function chargeOf(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null
  const minor = decimalToMinor(value)
  return minor === null || minor < 0 ? null : minor
}

/**
 * Per-ticket price with the buyer's charges, where the exchange states them:
 * ticket + service fee + tax (tax counted as 0 only when a fee is stated and
 * the tax is not: some exchanges fold it in). No stated fee: unknown (null).
 */
function withFeesOf(listing: TevoListing, price: Money | null): Money | null {
  const fee = chargeOf(listing.service_fee)
  if (price === null || fee === null) return null
  return usd(price.amountMinor + fee + (chargeOf(listing.tax) ?? 0))
}

function clean(text: string | null): string | null {
  if (text === null) return null
  const trimmed = text.trim()
  return trimmed === '' ? null : trimmed
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** Offset of `timeZone` at the instant `utcMs`, in minutes (throws on an unknown zone). */
export function zoneOffsetMinutes(timeZone: string, utcMs: number): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(utcMs))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second')
  )
  return Math.round((asUtc - utcMs) / 60_000)
}

/** A wall time ("2017-06-24T19:10:00", any trailing Z/offset ignored) in `timeZone` → UTC ms; null if unknown zone. */
export function wallTimeToUtc(wallTime: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(wallTime)
  if (!m) return null
  const naive = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0))
  try {
    let utc = naive - zoneOffsetMinutes(timeZone, naive) * 60_000
    utc = naive - zoneOffsetMinutes(timeZone, utc) * 60_000
    return utc
  } catch {
    return null
  }
}

function localClock(text: string | null): string | null {
  const m = text ? /T(\d{2}:\d{2}(?::\d{2})?)/.exec(text) : null
  return m ? m[1] : null
}

function categoryChain(category: TevoCategory | null): string[] {
  const names: string[] = []
  for (let c = category; c; c = c.parent) names.unshift(c.name)
  return names
}

/** "Philadelphia Phillies at Arizona Diamondbacks" → away at home; "A vs. B" → home vs away. */
export function teamsFromName(name: string): { homeTeam: string | null; awayTeam: string | null } {
  const at = /^(.+?)\s+at\s+(.+)$/i.exec(name)
  if (at) return { awayTeam: at[1].trim(), homeTeam: at[2].trim() }
  const vs = /^(.+?)\s+(?:vs\.?|v\.?)\s+(.+)$/i.exec(name)
  if (vs) return { homeTeam: vs[1].trim(), awayTeam: vs[2].trim() }
  return { homeTeam: null, awayTeam: null }
}

export interface NormaliseOptions {
  source: string
  now: Date
}

function startOf(event: TevoEvent): {
  startsAt: string | null
  timezone: string | null
  dateTbd: boolean
} {
  const zone = clean(event.venue?.timeZone ?? null)
  const timezone = zone && zone.includes('/') ? zone : null
  let startMs: number | null = null
  if (event.occurs_at_local) startMs = Date.parse(event.occurs_at_local)
  else if (event.occurs_at && timezone) startMs = wallTimeToUtc(event.occurs_at, timezone)
  const clock = localClock(event.occurs_at_local ?? event.occurs_at)
  const startsAt =
    startMs === null || Number.isNaN(startMs) ? null : new Date(startMs).toISOString()
  // TBD events carry 00:00:00; an unknown start is TBD for our purposes too
  const dateTbd = startsAt === null || clock === '00:00' || clock === '00:00:00'
  return { startsAt, timezone, dateTbd }
}

function statusOf(
  event: TevoEvent,
  startsAt: string | null,
  dateTbd: boolean,
  now: Date,
  hasInventory: boolean | null
): NormalisedEventStatus {
  const state = event.state.toLowerCase()
  if (state === 'canceled' || state === 'cancelled') return 'cancelled'
  if (state === 'postponed') return 'postponed'
  if (startsAt && !dateTbd && Date.parse(startsAt) + EVENT_DURATION_MS < now.getTime())
    return 'ended'
  if (hasInventory === null) {
    const counts = event.available_count ?? event.products_count
    hasInventory = counts === null ? null : counts > 0
  }
  return hasInventory ? 'onsale' : 'scheduled'
}

/** `hasInventory`: from the listings when known; otherwise the event's own counts decide. */
export function normaliseEvent(
  event: TevoEvent,
  options: NormaliseOptions,
  hasInventory: boolean | null = null
): NormalisedEvent {
  const { startsAt, timezone, dateTbd } = startOf(event)
  const chain = categoryChain(event.category)
  const isSports = chain[0]?.toLowerCase() === 'sports'
  const venue = event.venue
  const city = clean(venue?.city ?? null) ?? clean(venue?.location?.split(',')[0] ?? null)
  const country = clean(venue?.countryCode ?? null)?.toUpperCase() ?? null
  return {
    ref: event.id,
    platform: options.source,
    url: null,
    name: event.name.trim(),
    sport: isSports ? (chain[1] ?? null) : null,
    league: isSports && chain.length > 2 ? chain[chain.length - 1] : null,
    ...teamsFromName(event.name.trim()),
    venue: clean(venue?.name ?? null),
    city,
    country: country && /^[A-Z]{2}$/.test(country) ? country : null,
    startsAt,
    timezone,
    dateTbd,
    status: statusOf(event, startsAt, dateTbd, options.now, hasInventory),
    publicSale: null,
    presales: [],
  }
}

/** One listing, or null when it is not an event ticket or nothing is left. */
export function normaliseListing(listing: TevoListing): NormalisedListing | null {
  if (listing.type !== null && listing.type !== 'event') return null
  const quantity = listing.available_quantity ?? listing.quantity
  if (quantity <= 0) return null
  const date = clean(listing.in_hand_date)
  const price = priceOf(listing.retail_price)
  const shipping = chargeOf(listing.shipping)
  const deliveryType = clean(listing.delivery_type ?? null)
  return {
    ref: listing.id,
    section: clean(listing.section),
    row: clean(listing.row),
    quantity,
    splits: listing.splits === null ? null : [...new Set(listing.splits)].sort((a, b) => a - b),
    price,
    priceWithFees: withFeesOf(listing, price),
    delivery:
      shipping === null && deliveryType === null
        ? null
        : { method: deliveryType, fee: shipping === null ? null : usd(shipping) },
    format: clean(listing.format),
    inHand: listing.in_hand,
    inHandOn: date ? date.slice(0, 10) : null,
    notes: clean(listing.public_notes),
  }
}

export function normaliseListings(listings: TevoListing[]): NormalisedListing[] {
  const out: NormalisedListing[] = []
  for (const raw of listings) {
    const listing = normaliseListing(raw)
    if (listing) out.push(listing)
  }
  return out
}

/** Per-listing price statistics (not weighted by quantity); missing prices are left out. */
export function summarise(listings: NormalisedListing[]): PriceSummary {
  const prices: number[] = []
  for (const l of listings) if (l.price) prices.push(l.price.amountMinor)
  prices.sort((a, b) => a - b)
  const n = prices.length
  if (n === 0) {
    return {
      min: null,
      max: null,
      median: null,
      average: null,
      feesIncluded: false,
      listingCount: listings.length,
    }
  }
  const mid = n >> 1
  const median = n % 2 === 1 ? prices[mid] : Math.round((prices[mid - 1] + prices[mid]) / 2)
  let sum = 0
  for (const p of prices) sum += p
  return {
    min: usd(prices[0]),
    max: usd(prices[n - 1]),
    median: usd(median),
    average: usd(Math.round(sum / n)),
    feesIncluded: false,
    listingCount: listings.length,
  }
}

export function normaliseMarket(
  event: TevoEvent,
  listings: TevoListing[],
  options: NormaliseOptions
): MarketSnapshot {
  const normalised = normaliseListings(listings)
  return {
    event: normaliseEvent(event, options, normalised.length > 0),
    summary: summarise(normalised),
    listings: normalised,
    fetchedAt: options.now.toISOString(),
  }
}

/** An order as the platform holds it → `PlacedOrder`. `fallbackUnit` covers an item without a price. */
export function normaliseOrder(
  order: TevoOrder,
  replayed: boolean,
  fallbackUnit: Money | null = null
): PlacedOrder {
  let quantity = 0
  for (const item of order.items) quantity += item.quantity
  const firstPrice = order.items.find((i) => i.price !== null)?.price ?? null
  const unitMinor =
    firstPrice === null ? (fallbackUnit?.amountMinor ?? 0) : (decimalToMinor(firstPrice) ?? 0)
  let itemsMinor = 0
  for (const item of order.items) {
    const minor = item.price === null ? unitMinor : (decimalToMinor(item.price) ?? 0)
    itemsMinor += minor * item.quantity
  }
  const totalMinor = order.total === null ? itemsMinor : (decimalToMinor(order.total) ?? itemsMinor)
  return {
    ref: order.id,
    status: order.state,
    quantity,
    unitPrice: usd(unitMinor),
    total: usd(totalMinor),
    replayed,
  }
}
