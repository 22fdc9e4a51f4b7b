import type {
  Money,
  NormalisedEvent,
  NormalisedEventStatus,
  PriceSummary,
} from '#connectors/contract'
import { money } from '#connectors/transport/money'
import {
  hasOffset,
  isOver,
  isValidZone,
  localDateToUtcIso,
  toCountryCode,
  toUtcIso,
} from '#connectors/transport/dates'
import type { SgEvent } from '#connectors/seatgeek/payloads'

const SPORTS_TAXONOMY_ID = 1_000_000

/** SeatGeek's datetime_utc is naive ("2020-03-03T06:30:00"): it is UTC, so append Z. */
export function sgUtc(value: string | null): string | null {
  if (!value) return null
  return toUtcIso(hasOffset(value) ? value : `${value}Z`)
}

function league(name: string): string {
  return name.length <= 4 ? name.toUpperCase() : name.replace(/_/g, ' ')
}

export function normaliseSgEvent(event: SgEvent, now: Date): NormalisedEvent {
  const zone = isValidZone(event.venue?.timezone) ? (event.venue?.timezone ?? null) : null
  let startsAt: string | null = null
  if (!event.dateTbd && !event.datetimeTbd) {
    startsAt = event.timeTbd
      ? localDateToUtcIso((event.datetimeLocal ?? '').slice(0, 10), zone)
      : sgUtc(event.datetimeUtc)
  }

  const sports = event.taxonomies.some((t) => t.id === SPORTS_TAXONOMY_ID || t.name === 'sports')
  const sport = sports ? event.taxonomies.find((t) => t.parentId === SPORTS_TAXONOMY_ID) : undefined
  const leagueTaxonomy = sport
    ? event.taxonomies.find((t) => t.parentId !== null && t.parentId === sport.id)
    : undefined

  const code = (event.status ?? 'normal').toLowerCase()
  let status: NormalisedEventStatus
  if (code === 'cancelled' || code === 'canceled') status = 'cancelled'
  else if (code === 'postponed') status = 'postponed'
  else if (code === 'rescheduled') status = 'rescheduled'
  else status = (event.stats.listingCount ?? 0) > 0 ? 'onsale' : 'scheduled'
  if (
    (status === 'onsale' || status === 'scheduled') &&
    isOver(startsAt, sgUtc(event.enddatetimeUtc), now)
  )
    status = 'ended'

  return {
    ref: event.id,
    platform: 'seatgeek',
    url: event.url,
    name: event.title,
    sport: sport ? sport.name.replace(/_/g, ' ') : null,
    league: leagueTaxonomy ? league(leagueTaxonomy.name) : null,
    homeTeam: event.performers.find((p) => p.homeTeam)?.name ?? null,
    awayTeam: event.performers.find((p) => p.awayTeam)?.name ?? null,
    venue: event.venue?.name?.trim() || null,
    city: event.venue?.city?.trim() || null,
    country: toCountryCode(event.venue?.country),
    startsAt,
    timezone: zone,
    dateTbd: event.dateTbd || event.datetimeTbd || event.timeTbd,
    status,
    publicSale: null,
    presales: [],
  }
}

/**
 * stats → summary, in USD (SeatGeek sends no currency). Withheld stats
 * (`{}`, null values — the norm since 2024-05-17) mean "no price known": null,
 * never 0. `lowest_price` includes buyer fees (the sg_base prices do not).
 */
export function summariseSgStats(event: SgEvent): PriceSummary {
  const usd = (amount: number | null): Money | null =>
    amount === null ? null : money(amount, 'USD')
  const { stats } = event
  const anyPrice = [
    stats.lowestPrice,
    stats.medianPrice,
    stats.averagePrice,
    stats.highestPrice,
  ].some((p) => p !== null)
  return {
    min: usd(stats.lowestPrice),
    max: usd(stats.highestPrice),
    median: usd(stats.medianPrice),
    average: usd(stats.averagePrice),
    feesIncluded: anyPrice ? true : null,
    listingCount: stats.listingCount,
  }
}
