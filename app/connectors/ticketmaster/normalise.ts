import type {
  Money,
  NormalisedEvent,
  NormalisedEventStatus,
  PriceSummary,
  SaleWindow,
} from '#connectors/contract'
import { money } from '#connectors/transport/money'
import {
  isOver,
  isValidZone,
  localDateToUtcIso,
  localToUtcIso,
  toUtcIso,
} from '#connectors/transport/dates'
import type { TmEvent } from '#connectors/ticketmaster/payloads'

const STATUS: Record<string, NormalisedEventStatus> = {
  onsale: 'onsale',
  offsale: 'offsale',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  postponed: 'postponed',
  rescheduled: 'rescheduled',
}

const PLACEHOLDERS = new Set(['undefined', 'other', ''])

/** Sales dates before 1970 are TM Resale sentinels (1900-01-01…): unknown. */
function saleDate(value: string | null): string | null {
  const iso = toUtcIso(value)
  if (!iso) return null
  return Number(iso.slice(0, 4)) < 1970 ? null : iso
}

function clean(value: string | null): string | null {
  const trimmed = value?.trim() ?? null
  return trimmed && !PLACEHOLDERS.has(trimmed.toLowerCase()) ? trimmed : null
}

/** "Home vs. Away" (TM's convention for team sports) or "Away at Home". */
export function teamsFromName(name: string): { home: string; away: string } | null {
  const vs = /^(.+?)\s+(?:vs\.?|v\.?)\s+(.+)$/i.exec(name)
  if (vs) return { home: vs[1].trim(), away: vs[2].trim() }
  const at = /^(.+?)\s+(?:at|@)\s+(.+)$/i.exec(name)
  if (at) return { home: at[2].trim(), away: at[1].trim() }
  return null
}

export function normaliseTmEvent(event: TmEvent, now: Date): NormalisedEvent {
  const zone = [event.timezone, event.venue?.timezone].find((z) => isValidZone(z)) ?? null
  const { start } = event
  const timeUnknown = start.timeTBA || start.noSpecificTime
  const dateUnknown = start.dateTBA || start.dateTBD || !start.localDate

  let startsAt: string | null = null
  if (!dateUnknown) {
    startsAt =
      (!timeUnknown ? toUtcIso(start.dateTime) : null) ??
      (!timeUnknown && start.localTime && zone
        ? localToUtcIso(`${start.localDate}T${start.localTime}`, zone)
        : null) ??
      localDateToUtcIso(start.localDate as string, zone)
  }

  const isSports = clean(event.classification?.segment ?? null)?.toLowerCase() === 'sports'
  const teams = isSports ? teamsFromName(event.name) : null
  const code = event.statusCode?.toLowerCase() ?? ''
  let status: NormalisedEventStatus = STATUS[code] ?? 'scheduled'
  if (
    (status === 'onsale' || status === 'offsale') &&
    isOver(startsAt, toUtcIso(event.end.dateTime), now)
  )
    status = 'ended'

  const pub = event.publicSale
  const publicSale: SaleWindow | null = pub
    ? {
        name: 'Public sale',
        startsAt: pub.startTBD || pub.startTBA ? null : saleDate(pub.startDateTime),
        endsAt: saleDate(pub.endDateTime),
      }
    : null

  return {
    ref: event.id,
    platform: 'ticketmaster',
    url: event.url,
    name: event.name,
    sport: isSports ? clean(event.classification?.genre ?? null) : null,
    league: isSports ? clean(event.classification?.subGenre ?? null) : null,
    homeTeam: teams ? matchAttraction(teams.home, event.attractions) : null,
    awayTeam: teams ? matchAttraction(teams.away, event.attractions) : null,
    venue: clean(event.venue?.name ?? null),
    city: clean(event.venue?.city ?? null),
    country: event.venue?.countryCode?.trim().toUpperCase() || null,
    startsAt,
    timezone: zone,
    dateTbd: dateUnknown || timeUnknown,
    status,
    previousStartsAt: previousStart(event, startsAt),
    publicSale,
    presales: event.presales.map((p) => ({
      name: p.name,
      startsAt: saleDate(p.startDateTime),
      endsAt: saleDate(p.endDateTime),
    })),
  }
}

/** dates.initialStartDate, when the event moved from it */
function previousStart(event: TmEvent, startsAt: string | null): string | null {
  const initial = toUtcIso(event.initialStart?.dateTime ?? null)
  return initial && initial !== startsAt ? initial : null
}

function matchAttraction(team: string, attractions: string[]): string {
  return attractions.find((a) => a.toLowerCase() === team.toLowerCase()) ?? team
}

/**
 * priceRanges → summary. Prefer "standard including fees" (feesIncluded true);
 * else "standard", whose fee treatment TM does not state (feesIncluded null).
 * No priceRanges = no price known (null), never 0; a stated min of 0 is kept.
 */
export function summariseTmPrices(event: TmEvent): PriceSummary {
  const withFees = event.priceRanges.find(
    (p) => p.type?.toLowerCase() === 'standard including fees'
  )
  const standard =
    event.priceRanges.find((p) => p.type?.toLowerCase() === 'standard') ?? event.priceRanges[0]
  const chosen = withFees ?? standard
  const empty: PriceSummary = {
    min: null,
    max: null,
    median: null,
    average: null,
    feesIncluded: null,
    listingCount: null,
  }
  if (!chosen) return empty
  const toMoney = (amount: number | null): Money | null =>
    amount === null ? null : money(amount, chosen.currency)
  return {
    ...empty,
    min: toMoney(chosen.min),
    max: toMoney(chosen.max),
    feesIncluded: withFees ? true : null,
  }
}
