import type { NormalisedEvent, NormalisedEventStatus, PriceSummary } from '#connectors/contract'
import { money } from '#connectors/transport/money'
import { hasOffset, isOver, toCountryCode, toUtcIso } from '#connectors/transport/dates'
import type { ShEvent } from '#connectors/stubhub/payloads'

/** StubHub statuses. `Deleted` is handled by the connector (EventGone). */
export function mapShStatus(status: string | null, hasPrice: boolean): NormalisedEventStatus {
  switch ((status ?? 'Normal').toLowerCase()) {
    case 'cancelled':
    case 'canceled':
      return 'cancelled'
    case 'postponed':
      return 'postponed'
    case 'rescheduled':
    case 'relocatedandrescheduled':
      return 'rescheduled'
    default:
      // Normal, Relocated (same date, new venue), Contingent, Draft…
      return hasPrice ? 'onsale' : 'scheduled'
  }
}

function utc(value: string | null): string | null {
  if (!value) return null
  return toUtcIso(hasOffset(value) ? value : `${value}Z`)
}

export function normaliseShEvent(event: ShEvent, now: Date): NormalisedEvent {
  const startsAt = event.dateConfirmed === false ? null : utc(event.startDate)
  let status = mapShStatus(event.status, event.minTicketPrice !== null)
  if ((status === 'onsale' || status === 'scheduled') && isOver(startsAt, utc(event.endDate), now))
    status = 'ended'
  const onSale = utc(event.onSaleDate)
  return {
    ref: event.id,
    platform: 'stubhub',
    url: event.webpage,
    name: event.name,
    sport: null,
    league: null,
    homeTeam: null,
    awayTeam: null,
    venue: event.venue?.name?.trim() || null,
    city: event.venue?.city?.trim() || null,
    country: toCountryCode(event.venue?.countryCode),
    startsAt,
    timezone: null,
    dateTbd: event.dateConfirmed === false || event.timeConfirmed === false,
    status,
    publicSale: onSale ? { name: 'On sale', startsAt: onSale, endsAt: null } : null,
    presales: [],
  }
}

/** min_ticket_price only; minor units by the currency's exponent; fee treatment unstated. */
export function summariseShPrice(event: ShEvent): PriceSummary {
  return {
    min: event.minTicketPrice
      ? money(event.minTicketPrice.amount, event.minTicketPrice.currency)
      : null,
    max: null,
    median: null,
    average: null,
    feesIncluded: null,
    listingCount: null,
  }
}
