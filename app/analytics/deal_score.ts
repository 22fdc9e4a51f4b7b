/**
 * An explainable deal score (pure). A listing's price is set against:
 *
 *  1. comparable listings of the same event and section on sale now (the
 *     share of them asking more: ties count half). With fewer than
 *     MIN_COMPARABLES in the section, the whole event's listings are used
 *     instead, and the explanation says so;
 *  2. the event's own price history (the share of the daily lowest prices
 *     seen so far that were higher than this price).
 *
 * With the venue's zones (zones.ts), comparable seats are those of the
 * listing's zone instead: the same zone of this event, or (fewer than
 * MIN_COMPARABLES there) the same zone on the venue's other events on sale;
 * and the history part is the zone's own past prices, never the event's
 * lowest (which an upper-level seat sets), so a floor seat is not scored
 * against the cheapest seat in the house. A listing whose section has no zone
 * is scored as before.
 *
 * The score is 0–100 (higher is a better deal): 60 % comparables, 40 %
 * history, or whichever part has data. The result carries the comparables it
 * used and one sentence per part, so a user can check the arithmetic.
 */
import { clamp, median } from '#analytics/stats'
import { ZONE_LABELS, zoneOf, type SectionZone, type Zone } from '#analytics/zones'

export const MIN_COMPARABLES = 3
export const MIN_HISTORY = 3
const SHOWN_COMPARABLES = 8

export type ComparableListing = {
  id: number
  section: string | null
  priceMinor: number | null
  platform?: string
}
export type DealLabel = 'great' | 'good' | 'fair' | 'poor' | 'unknown'
export type DealScore = {
  score: number | null
  label: DealLabel
  comparables: {
    scope: 'zone' | 'venue_zone' | 'section' | 'event' | 'none'
    /** The listing's zone and how it was set (admin, name, price history), when known */
    zone: { id: Zone; label: string; source: SectionZone['source'] } | null
    count: number
    medianMinor: number | null
    shareAbove: number | null
    sample: Array<{ id: number; section: string | null; priceMinor: number; eventId?: number }>
  }
  history: {
    scope: 'event' | 'zone'
    count: number
    medianMinor: number | null
    lowestMinor: number | null
    shareAbove: number | null
  }
  explanation: string[]
}

const normaliseSection = (section: string | null) => (section ?? '').trim().toLowerCase()

export type ZoneContext = {
  /** The venue's section → zone map */
  zones: ReadonlyMap<string, SectionZone>
  /** The same venue's other events' listings on sale (for thin zones) */
  venueListings?: readonly (ComparableListing & { eventId: number })[]
  /** Prices seen in each zone of this event over the history window */
  zoneHistory?: ReadonlyMap<Zone, readonly number[]>
}

function shareAbove(price: number, others: readonly number[]) {
  let above = 0
  for (const other of others) above += other > price ? 1 : other === price ? 0.5 : 0
  return above / others.length
}

export function labelFor(score: number | null): DealLabel {
  if (score === null) return 'unknown'
  if (score >= 80) return 'great'
  if (score >= 60) return 'good'
  if (score >= 40) return 'fair'
  return 'poor'
}

/**
 * @param listing the listing (or alert's listing) to score
 * @param market the event's listings on sale now (the listing itself may be among them; it is left out)
 * @param historyDailyLowest the event's daily lowest prices so far (minor units)
 * @param format money formatter for the explanation
 */
export function dealScore(
  listing: { id: number | null; section: string | null; priceMinor: number | null },
  market: readonly ComparableListing[],
  historyDailyLowest: readonly number[],
  format: (minor: number) => string = (minor) => (minor / 100).toFixed(2),
  zoneContext: ZoneContext | null = null
): DealScore {
  const zone = zoneContext ? zoneOf(zoneContext.zones, listing.section) : null
  const empty: DealScore = {
    score: null,
    label: 'unknown',
    comparables: {
      scope: 'none',
      zone: zone ? { id: zone.zone, label: ZONE_LABELS[zone.zone], source: zone.source } : null,
      count: 0,
      medianMinor: null,
      shareAbove: null,
      sample: [],
    },
    history: {
      scope: 'event',
      count: historyDailyLowest.length,
      medianMinor: median(historyDailyLowest),
      lowestMinor: historyDailyLowest.length ? Math.min(...historyDailyLowest) : null,
      shareAbove: null,
    },
    explanation: [],
  }
  if (listing.priceMinor === null)
    return { ...empty, explanation: ['No price: nothing to compare.'] }
  const price = listing.priceMinor
  const others = market.filter(
    (other) => other.id !== listing.id && other.priceMinor !== null
  ) as Array<ComparableListing & { priceMinor: number }>
  const sameSection = others.filter(
    (other) => normaliseSection(other.section) === normaliseSection(listing.section)
  )
  const inZone = (other: ComparableListing) =>
    zoneOf(zoneContext!.zones, other.section)?.zone === zone!.zone
  const sameZone = zone ? others.filter(inZone) : []
  const venueZone =
    zone && sameZone.length < MIN_COMPARABLES
      ? [
          ...sameZone,
          ...(zoneContext!.venueListings ?? []).filter(
            (other) => other.priceMinor !== null && other.id !== listing.id && inZone(other)
          ),
        ]
      : []
  const scope: DealScore['comparables']['scope'] =
    sameZone.length >= MIN_COMPARABLES
      ? 'zone'
      : venueZone.length >= MIN_COMPARABLES
        ? 'venue_zone'
        : sameSection.length >= MIN_COMPARABLES
          ? 'section'
          : others.length >= MIN_COMPARABLES
            ? 'event'
            : 'none'
  const used = (
    scope === 'zone'
      ? sameZone
      : scope === 'venue_zone'
        ? venueZone
        : scope === 'section'
          ? sameSection
          : scope === 'event'
            ? others
            : []
  ) as Array<ComparableListing & { priceMinor: number; eventId?: number }>
  const explanation: string[] = []

  let comparableScore: number | null = null
  const comparables: DealScore['comparables'] = {
    scope,
    zone: empty.comparables.zone,
    count: used.length,
    medianMinor: null,
    shareAbove: null,
    sample: [],
  }
  if (used.length) {
    const prices = used.map((other) => other.priceMinor)
    comparables.medianMinor = median(prices)
    comparables.shareAbove = shareAbove(price, prices)
    comparables.sample = [...used]
      .sort((a, b) => Math.abs(a.priceMinor - price) - Math.abs(b.priceMinor - price))
      .slice(0, SHOWN_COMPARABLES)
      .sort((a, b) => a.priceMinor - b.priceMinor)
      .map((other) => ({
        id: other.id,
        section: other.section,
        priceMinor: other.priceMinor,
        ...(other.eventId !== undefined ? { eventId: other.eventId } : {}),
      }))
    comparableScore = comparables.shareAbove * 100
    const diff = comparables.medianMinor! - price
    const percent = Math.round((Math.abs(diff) / comparables.medianMinor!) * 100)
    const zoneName = zone ? `zone "${ZONE_LABELS[zone.zone]}"` : ''
    const zoneWhy = zone
      ? zone.source === 'admin'
        ? ' (set by an admin)'
        : zone.source === 'name'
          ? ` (from the section name ${listing.section})`
          : ' (from where its prices sit in history)'
      : ''
    const where =
      scope === 'zone'
        ? `in the same ${zoneName}${zoneWhy} of this event`
        : scope === 'venue_zone'
          ? `in the same ${zoneName}${zoneWhy} of this and the venue's other events on sale`
          : scope === 'section'
            ? `in section ${listing.section ?? '(none)'}`
            : `of this event (fewer than ${MIN_COMPARABLES} in section ${listing.section ?? '(none)'}${zone ? ` or its ${zoneName}` : ''})`
    explanation.push(
      `${format(price)} is ${diff === 0 ? 'equal to' : `${percent} % ${diff > 0 ? 'below' : 'above'}`} the median ${format(comparables.medianMinor!)} of ${used.length} other listing${used.length === 1 ? '' : 's'} ${where}; ${Math.round(comparables.shareAbove * 100)} % of them ask more.`
    )
  } else {
    explanation.push(
      `Fewer than ${MIN_COMPARABLES} other listings on sale: no comparison with the market.`
    )
  }

  let historyScore: number | null = null
  const history = { ...empty.history }
  const zonePast = zone ? (zoneContext!.zoneHistory?.get(zone.zone) ?? []) : null
  if (zonePast && zonePast.length >= MIN_HISTORY) {
    history.scope = 'zone'
    history.count = zonePast.length
    history.medianMinor = median(zonePast)
    history.lowestMinor = Math.min(...zonePast)
    history.shareAbove = shareAbove(price, zonePast)
    historyScore = history.shareAbove * 100
    explanation.push(
      `${zonePast.length} prices seen in ${ZONE_LABELS[zone!.zone].toLowerCase()} over the last 30 days: lowest ${format(history.lowestMinor)}, median ${format(history.medianMinor!)}; ${format(price)} beats ${Math.round(history.shareAbove * 100)} % of them.`
    )
  } else if (zonePast) {
    explanation.push(
      `Fewer than ${MIN_HISTORY} past prices in ${ZONE_LABELS[zone!.zone].toLowerCase()}: no comparison with the past (the event's lowest prices are other seats).`
    )
  } else if (historyDailyLowest.length >= MIN_HISTORY) {
    history.shareAbove = shareAbove(price, historyDailyLowest)
    historyScore = history.shareAbove * 100
    explanation.push(
      `Over ${historyDailyLowest.length} days of history the lowest price was ${format(history.lowestMinor!)} and its median ${format(history.medianMinor!)}; ${format(price)} beats ${Math.round(history.shareAbove * 100)} % of those days.`
    )
  } else {
    explanation.push(
      `Fewer than ${MIN_HISTORY} days of price history: no comparison with the past yet.`
    )
  }

  let score: number | null = null
  if (comparableScore !== null && historyScore !== null)
    score = 0.6 * comparableScore + 0.4 * historyScore
  else score = comparableScore ?? historyScore
  if (score !== null) score = Math.round(clamp(score, 0, 100))
  return { score, label: labelFor(score), comparables, history, explanation }
}
