import type {
  Money,
  OfferAvailability,
  NormalisedEvent,
  NormalisedEventStatus,
  PriceSummary,
  SaleWindow,
} from '#connectors/contract'
import type { JsonObject, PayloadReader } from '#connectors/transport/payload_reader'
import { isCurrencyCode, money } from '#connectors/transport/money'
import { hasOffset, localToUtcIso, toCountryCode, toUtcIso } from '#connectors/transport/dates'
import type { JsonLdEventNode } from '#connectors/jsonld/payloads'
import { localTypeName, many, nameOf, typesOf } from '#connectors/jsonld/payloads'

export type Availability = 'available' | 'presale' | 'soldout' | 'unknown'

/** schema.org ItemAvailability → what is stored per source (the full set the pages use). */
const OFFER_AVAILABILITY: Record<string, OfferAvailability> = {
  InStock: 'in_stock',
  OnlineOnly: 'in_stock',
  InStoreOnly: 'in_stock',
  BackOrder: 'in_stock',
  MadeToOrder: 'in_stock',
  LimitedAvailability: 'limited',
  PreOrder: 'presale',
  PreSale: 'presale',
  SoldOut: 'sold_out',
  OutOfStock: 'sold_out',
  Discontinued: 'discontinued',
}

/** Most open first: one offer in stock makes the event in stock, whatever the other tiers say. */
const OPENNESS: OfferAvailability[] = ['in_stock', 'limited', 'presale', 'sold_out', 'discontinued']

export function offerAvailability(value: unknown): OfferAvailability | null {
  if (typeof value !== 'string') return null
  return OFFER_AVAILABILITY[localTypeName(value.trim())] ?? null
}

/** The event's availability over all its offers; null when no offer says. */
export function overallAvailability(values: readonly unknown[]): OfferAvailability | null {
  const known = new Set(values.map(offerAvailability).filter((v) => v !== null))
  return OPENNESS.find((value) => known.has(value)) ?? null
}

const AVAILABILITY: Record<string, Availability> = {
  InStock: 'available',
  LimitedAvailability: 'available',
  OnlineOnly: 'available',
  InStoreOnly: 'available',
  BackOrder: 'available',
  MadeToOrder: 'available',
  PreOrder: 'presale',
  PreSale: 'presale',
  SoldOut: 'soldout',
  OutOfStock: 'soldout',
  Discontinued: 'soldout',
}

const EVENT_STATUS: Record<string, NormalisedEventStatus> = {
  EventScheduled: 'scheduled',
  EventMovedOnline: 'scheduled',
  EventCancelled: 'cancelled',
  EventCanceled: 'cancelled',
  EventPostponed: 'postponed',
  EventRescheduled: 'rescheduled',
}

/** Full URL ("https://schema.org/SoldOut", "http://…") or bare token ("SoldOut"). */
export function mapAvailability(value: unknown): Availability {
  if (typeof value !== 'string') return 'unknown'
  return AVAILABILITY[localTypeName(value.trim())] ?? 'unknown'
}

interface PricedOffer {
  amount: number | string
  currency: string | null
  availability: Availability
  path: string
}

export interface OfferFacts {
  offers: PricedOffer[]
  availabilities: Availability[]
  /** The raw availability values, for the stored per-source availability */
  availabilityValues: unknown[]
  low: { amount: number | string; currency: string | null } | null
  high: { amount: number | string; currency: string | null } | null
  offerCount: number | null
  validFrom: string[]
  validThrough: string[]
}

export interface NormaliseOptions {
  pageUrl: string
  now: Date
  /** IANA zone for start dates published without an offset; null → read as UTC and timezone stays unknown */
  defaultTimezone: string | null
  /** Hours after the start when an event with no endDate is considered over */
  assumedDurationHours?: number
}

export function collectOffers(
  value: unknown,
  path: string,
  reader: PayloadReader,
  facts?: OfferFacts
): OfferFacts {
  const out: OfferFacts = facts ?? {
    offers: [],
    availabilities: [],
    availabilityValues: [],
    low: null,
    high: null,
    offerCount: null,
    validFrom: [],
    validThrough: [],
  }
  const items = Array.isArray(value)
    ? value.map((item, i) => [item, `${path}[${i}]`] as const)
    : [[value, path] as const]
  for (const [item, itemPath] of items) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) continue
    const offer = item as JsonObject
    const types = typesOf(offer)
    const currency = normaliseCurrency(offer.priceCurrency, `${itemPath}.priceCurrency`, reader)
    const availability = mapAvailability(offer.availability)
    if (offer.availability !== undefined) {
      out.availabilities.push(availability)
      out.availabilityValues.push(offer.availability)
    }
    if (typeof offer.validFrom === 'string') out.validFrom.push(offer.validFrom)
    if (typeof offer.validThrough === 'string') out.validThrough.push(offer.validThrough)

    if (types.includes('AggregateOffer')) {
      const low = reader.optNumber(offer.lowPrice, `${itemPath}.lowPrice`, { allowString: true })
      const high = reader.optNumber(offer.highPrice, `${itemPath}.highPrice`, { allowString: true })
      const count = reader.optNumber(offer.offerCount, `${itemPath}.offerCount`, {
        allowString: true,
      })
      if (low !== null) out.low = { amount: rawAmount(offer.lowPrice), currency }
      if (high !== null) out.high = { amount: rawAmount(offer.highPrice), currency }
      if (count !== null) out.offerCount = Math.trunc(count)
      if (offer.offers !== undefined) collectOffers(offer.offers, `${itemPath}.offers`, reader, out)
      continue
    }
    const price = reader.optNumber(offer.price, `${itemPath}.price`, { allowString: true })
    if (price !== null)
      out.offers.push({ amount: rawAmount(offer.price), currency, availability, path: itemPath })
  }
  return out
}

/** The JSON value as the site wrote it ("13.00" or 13), so minor units are exact. */
function rawAmount(value: unknown): number | string {
  return typeof value === 'string' ? value.trim() : (value as number)
}

function normaliseCurrency(value: unknown, path: string, reader: PayloadReader): string | null {
  if (value === undefined || value === null || value === '') return null
  const code = reader.string(value, path).trim().toUpperCase()
  if (!isCurrencyCode(code)) reader.fail(path, `not an ISO 4217 currency code: "${code}"`)
  return code
}

export function summarise(facts: OfferFacts): PriceSummary {
  const currency =
    facts.low?.currency ??
    facts.high?.currency ??
    facts.offers.find((offer) => offer.currency)?.currency ??
    null
  const empty: PriceSummary = {
    min: null,
    max: null,
    median: null,
    average: null,
    feesIncluded: null,
    listingCount: facts.offerCount,
  }
  if (!currency) return empty

  const candidates: Money[] = facts.offers
    .filter(
      (offer) => (offer.currency ?? currency) === currency && offer.availability !== 'soldout'
    )
    .map((offer) => money(offer.amount, currency))
  const amounts = candidates.map((m) => m.amountMinor)
  const low =
    facts.low && (facts.low.currency ?? currency) === currency
      ? money(facts.low.amount, currency).amountMinor
      : null
  const high =
    facts.high && (facts.high.currency ?? currency) === currency
      ? money(facts.high.amount, currency).amountMinor
      : null
  const mins = [...amounts, ...(low !== null ? [low] : [])]
  const maxs = [...amounts, ...(high !== null ? [high] : [])]

  const allSoldOut =
    facts.offers.length > 0 && facts.offers.every((offer) => offer.availability === 'soldout')
  return {
    ...empty,
    min: mins.length > 0 ? { amountMinor: Math.min(...mins), currency } : null,
    max: maxs.length > 0 ? { amountMinor: Math.max(...maxs), currency } : null,
    listingCount: facts.offerCount ?? (allSoldOut && facts.low === null ? 0 : null),
  }
}

export function deriveStatus(
  node: JsonObject,
  facts: OfferFacts,
  startsAt: string | null,
  endsAt: string | null,
  options: NormaliseOptions
): NormalisedEventStatus {
  const declared =
    typeof node.eventStatus === 'string'
      ? EVENT_STATUS[localTypeName(node.eventStatus.trim())]
      : undefined
  let status: NormalisedEventStatus =
    declared ?? (node.previousStartDate !== undefined ? 'rescheduled' : 'scheduled')
  /**
   * Sold out is not off sale: the sale is open and nothing is left (tickets
   * can come back). The availability itself is kept apart, per source.
   */
  if (status === 'scheduled') {
    const overall = overallAvailability(facts.availabilityValues)
    if (
      overall === 'in_stock' ||
      overall === 'limited' ||
      overall === 'sold_out' ||
      (facts.offerCount ?? 0) > 0
    )
      status = 'onsale'
    else if (overall === 'discontinued') status = 'offsale'
  }
  const finish =
    endsAt ??
    (startsAt
      ? new Date(
          Date.parse(startsAt) + (options.assumedDurationHours ?? 6) * 3_600_000
        ).toISOString()
      : null)
  if (
    (status === 'scheduled' || status === 'onsale' || status === 'offsale') &&
    finish &&
    Date.parse(finish) < options.now.getTime()
  ) {
    return 'ended'
  }
  return status
}

function toUtc(value: unknown, zone: string | null): string | null {
  if (typeof value !== 'string' || !value.trim()) return null
  const text = value.trim()
  if (hasOffset(text)) return toUtcIso(text)
  return localToUtcIso(text, zone ?? 'UTC')
}

export function normaliseJsonLdEvent(
  found: JsonLdEventNode,
  reader: PayloadReader,
  options: NormaliseOptions
): {
  event: NormalisedEvent
  summary: PriceSummary
  availability: OfferAvailability | null
} {
  const { node, path } = found
  const name = reader.string(node.name, `${path}.name`).trim()
  if (!name) reader.fail(`${path}.name`, 'empty event name')
  const zone = options.defaultTimezone

  const startRaw = reader.optString(node.startDate, `${path}.startDate`)
  const startsAt = toUtc(startRaw, zone)
  if (startRaw && !startsAt) reader.fail(`${path}.startDate`, `not an ISO 8601 date: "${startRaw}"`)
  const dateOnly = !!startRaw && /^\d{4}-\d{2}-\d{2}$/.test(startRaw.trim())
  const endsAt = toUtc(reader.optString(node.endDate, `${path}.endDate`), zone)
  /** schema.org allows several previous dates: the latest is where it moved from */
  const previousStartsAt =
    many(node.previousStartDate)
      .map((value, i) => {
        const text = reader.string(
          value,
          Array.isArray(node.previousStartDate)
            ? `${path}.previousStartDate[${i}]`
            : `${path}.previousStartDate`
        )
        const iso = toUtc(text, zone)
        if (!iso) reader.fail(`${path}.previousStartDate`, `not an ISO 8601 date: "${text}"`)
        return iso
      })
      .sort()
      .at(-1) ?? null

  const facts =
    node.offers === undefined
      ? collectOffers([], `${path}.offers`, reader)
      : collectOffers(node.offers, `${path}.offers`, reader)
  const place = many(node.location).find(
    (loc): loc is JsonObject => !!loc && typeof loc === 'object'
  )
  const address =
    place && typeof place.address === 'object' && place.address !== null
      ? (place.address as JsonObject)
      : null
  const country = address ? toCountryCode(nameOf(address.addressCountry)) : null

  const firstFrom =
    [...facts.validFrom]
      .map((v) => toUtc(v, zone))
      .filter((v): v is string => !!v)
      .sort()[0] ?? null
  const lastThrough =
    [...facts.validThrough]
      .map((v) => toUtc(v, zone))
      .filter((v): v is string => !!v)
      .sort()
      .at(-1) ?? null
  const publicSale: SaleWindow | null =
    firstFrom || lastThrough
      ? { name: 'Public sale', startsAt: firstFrom, endsAt: lastThrough }
      : null

  const url =
    typeof node.url === 'string' ? safeResolve(node.url, options.pageUrl) : options.pageUrl
  const event: NormalisedEvent = {
    ref: options.pageUrl,
    platform: 'jsonld',
    url,
    name,
    sport: sportName(node.sport),
    league: null,
    homeTeam: nameOf(many(node.homeTeam)[0]),
    awayTeam: nameOf(many(node.awayTeam)[0]),
    venue: place ? nameOf(place) : null,
    city: address ? nameOf(address.addressLocality) : null,
    country,
    startsAt,
    timezone: zone,
    dateTbd: !startsAt || dateOnly,
    status: deriveStatus(node, facts, startsAt, endsAt, options),
    previousStartsAt,
    publicSale,
    presales: [],
  }
  return {
    event,
    summary: summarise(facts),
    availability: overallAvailability(facts.availabilityValues),
  }
}

function sportName(value: unknown): string | null {
  const name = nameOf(many(value)[0])
  if (!name) return null
  return /^https?:\/\//.test(name)
    ? decodeURIComponent(name.replace(/\/+$/, '').replace(/^.*\//, '')).replace(/_/g, ' ')
    : name
}

function safeResolve(value: string, base: string): string {
  try {
    return new URL(value, base).toString()
  } catch {
    return base
  }
}
