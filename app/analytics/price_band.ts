/**
 * "Prices are low / typical / high for this event" (pure), from day one.
 *
 * The reference is the event's own daily lowest prices when it has at least
 * MIN_OWN_DAYS of them. Otherwise it is comparable played events (the caller
 * passes the closest group it has: the same home team, else the same league):
 * for each, its lowest price within WINDOW_DAYS of the same number of days
 * before the start, one figure per event, so a long history does not outvote
 * a short one. With fewer than MIN_COMPARABLE_EVENTS such events: "not enough
 * data", with the count.
 *
 * The typical range is the middle half of the reference (25th to 75th
 * percentile); the current price below it is "low", above it "high". Every
 * result carries its source, its sample size and a sentence that says both.
 */
import { quantile } from '#analytics/stats'
import type { PastEvent } from '#analytics/days_before'

export const MIN_OWN_DAYS = 7
export const MIN_COMPARABLE_EVENTS = 5
export const WINDOW_DAYS = 3

export type BandVerdict = 'low' | 'typical' | 'high' | 'not_enough_data'
export type PriceBand = {
  verdict: BandVerdict
  /** The typical range (middle half of the reference prices) */
  lowMinor: number | null
  highMinor: number | null
  /** What the range comes from */
  source: 'event' | 'comparable' | 'none'
  /** Days (own history) or events (comparables) behind the range */
  sampleSize: number
  /** Which comparables, when they were used ("Boston Celtics home games") */
  comparableGroup: string | null
  text: string
}

function typicalRange(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    low: Math.round(quantile(sorted, 0.25)!),
    high: Math.round(quantile(sorted, 0.75)!),
  }
}

/** One figure per comparable event: its lowest price within ±window days of `daysBefore`. */
export function comparablePrices(
  events: readonly PastEvent[],
  daysBefore: number,
  window = WINDOW_DAYS
): number[] {
  const out: number[] = []
  const day = Math.max(0, daysBefore)
  for (const event of events) {
    let lowest: number | null = null
    for (const point of event.daily)
      if (Math.abs(point.daysBefore - day) <= window && (lowest === null || point.lowest < lowest))
        lowest = point.lowest
    if (lowest !== null) out.push(lowest)
  }
  return out
}

/**
 * @param currentMinor the event's lowest price now (null: nothing on sale)
 * @param ownDailyLowest the event's own daily lowest prices so far
 * @param comparables played events of the closest group, with its name
 * @param daysBefore days from now to the event's start
 */
export function priceBand(
  currentMinor: number | null,
  ownDailyLowest: readonly number[],
  comparables: { group: string; events: readonly PastEvent[] } | null,
  daysBefore: number,
  format: (minor: number) => string = (minor) => (minor / 100).toFixed(2)
): PriceBand {
  let reference: number[] = []
  let source: PriceBand['source'] = 'none'
  let group: string | null = null
  if (ownDailyLowest.length >= MIN_OWN_DAYS) {
    reference = [...ownDailyLowest]
    source = 'event'
  } else if (comparables) {
    const prices = comparablePrices(comparables.events, daysBefore)
    if (prices.length >= MIN_COMPARABLE_EVENTS) {
      reference = prices
      source = 'comparable'
      group = comparables.group
    } else {
      return {
        verdict: 'not_enough_data',
        lowMinor: null,
        highMinor: null,
        source: 'none',
        sampleSize: prices.length,
        comparableGroup: comparables.group,
        text: `Not enough data: ${ownDailyLowest.length} day${ownDailyLowest.length === 1 ? '' : 's'} of this event's prices (${MIN_OWN_DAYS} needed) and ${prices.length} comparable played event${prices.length === 1 ? '' : 's'} (${comparables.group}) with prices about ${Math.max(0, daysBefore)} days out (${MIN_COMPARABLE_EVENTS} needed).`,
      }
    }
  }
  if (source === 'none') {
    return {
      verdict: 'not_enough_data',
      lowMinor: null,
      highMinor: null,
      source,
      sampleSize: ownDailyLowest.length,
      comparableGroup: null,
      text: `Not enough data: ${ownDailyLowest.length} day${ownDailyLowest.length === 1 ? '' : 's'} of this event's prices (${MIN_OWN_DAYS} needed) and no comparable played events.`,
    }
  }
  const { low, high } = typicalRange(reference)
  const basis =
    source === 'event'
      ? `this event's lowest price over ${reference.length} days`
      : `${reference.length} comparable played events (${group}) about ${Math.max(0, daysBefore)} days before they started`
  if (currentMinor === null) {
    return {
      verdict: 'not_enough_data',
      lowMinor: low,
      highMinor: high,
      source,
      sampleSize: reference.length,
      comparableGroup: group,
      text: `Nothing on sale now. Typical lowest price: ${format(low)}–${format(high)}, from ${basis}.`,
    }
  }
  const verdict: BandVerdict = currentMinor < low ? 'low' : currentMinor > high ? 'high' : 'typical'
  return {
    verdict,
    lowMinor: low,
    highMinor: high,
    source,
    sampleSize: reference.length,
    comparableGroup: group,
    text: `Prices are ${verdict} for this event: the lowest now, ${format(currentMinor)}, against a typical ${format(low)}–${format(high)} (middle half of ${basis}).`,
  }
}
