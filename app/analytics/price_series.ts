/**
 * An event's price and availability over time, rebuilt from the change-only
 * history (pure: data in, data out).
 *
 * The history stores only changes (appeared, price changed, quantity changed,
 * gone), so the market at a moment is a replay. Instead of replaying from the
 * first change ever, the series starts from the listings as they are now and
 * undoes the changes inside the window, newest first, to get the market at
 * the window's start; then it plays the window forward and takes one point
 * per bucket in which something changed. Only the window's changes are read,
 * which keeps a 90-day chart cheap however old the event is.
 */
import { medianOfSorted } from '#analytics/stats'

export type ListingNow = {
  id: number
  platform: string
  priceMinor: number | null
  quantity: number
  available: boolean
}
export type HistoryChange = {
  listingId: number
  kind: 'appeared' | 'price_changed' | 'quantity_changed' | 'gone' | string
  oldPriceMinor: number | null
  newPriceMinor: number | null
  oldQuantity: number | null
  newQuantity: number | null
  at: number
}
export type SeriesPoint = {
  at: number
  lowest: number | null
  median: number | null
  listings: number
  tickets: number
}
export type PriceSeries = {
  platforms: Record<string, SeriesPoint[]>
  all: SeriesPoint[]
  bucketMs: number
}

/** A market at one moment: each available listing's price and quantity, by listing id. */
export type MarketState = Map<number, { price: number | null; quantity: number }>
type State = MarketState

/** The market as stored now: its available listings. */
export function marketNow(
  listings: ReadonlyArray<Pick<ListingNow, 'id' | 'priceMinor' | 'quantity' | 'available'>>
): MarketState {
  const state: MarketState = new Map()
  for (const listing of listings)
    if (listing.available)
      state.set(listing.id, { price: listing.priceMinor, quantity: listing.quantity })
  return state
}

/**
 * Undoes `ordered` (oldest first) on `state`, newest first: the market just
 * before the first of them. Shared by the charts and the roll-ups.
 */
export function undoChanges(
  state: MarketState,
  ordered: ReadonlyArray<
    Pick<HistoryChange, 'listingId' | 'kind' | 'oldPriceMinor' | 'oldQuantity'>
  >
): MarketState {
  for (let i = ordered.length - 1; i >= 0; i--) {
    const change = ordered[i]
    if (change.kind === 'appeared') state.delete(change.listingId)
    else
      state.set(change.listingId, {
        price: change.oldPriceMinor,
        quantity: change.oldQuantity ?? 0,
      })
  }
  return state
}

/** Bucket width so that a window has at most `maxPoints` buckets, never under `minBucketMs`. */
export function bucketFor(fromMs: number, toMs: number, maxPoints = 400, minBucketMs = 60_000) {
  return Math.max(minBucketMs, Math.ceil((toMs - fromMs) / maxPoints / 60_000) * 60_000)
}

function summarise(state: State, at: number, only?: Set<number>): SeriesPoint {
  const prices: number[] = []
  let listings = 0
  let tickets = 0
  for (const [id, listing] of state) {
    if (only && !only.has(id)) continue
    listings++
    tickets += listing.quantity
    if (listing.price !== null) prices.push(listing.price)
  }
  prices.sort((a, b) => a - b)
  return { at, lowest: prices[0] ?? null, median: medianOfSorted(prices), listings, tickets }
}

/**
 * @param listings every listing of the event as stored now (available or not)
 * @param changes the event's changes with `at` in [fromMs, toMs], in any order
 */
export function priceSeries(
  listings: ListingNow[],
  changes: HistoryChange[],
  fromMs: number,
  toMs: number,
  bucketMs = bucketFor(fromMs, toMs),
  options: { perPlatform?: boolean } = {}
): PriceSeries {
  const perPlatform = options.perPlatform ?? true
  const platformOf = new Map(listings.map((listing) => [listing.id, listing.platform]))
  const ordered = changes
    .filter((change) => change.at >= fromMs && change.at <= toMs)
    .sort((a, b) => a.at - b.at)
  /** Undo, newest first: the market at the window's start. */
  const state: State = undoChanges(marketNow(listings), ordered)

  const byPlatform = new Map<string, Set<number>>()
  for (const [id, platform] of platformOf) {
    if (!byPlatform.has(platform)) byPlatform.set(platform, new Set())
    byPlatform.get(platform)!.add(id)
  }
  const result: PriceSeries = { platforms: {}, all: [], bucketMs }
  for (const platform of byPlatform.keys()) result.platforms[platform] = []
  const emit = (at: number) => {
    result.all.push(summarise(state, at))
    if (perPlatform)
      for (const [platform, ids] of byPlatform)
        result.platforms[platform].push(summarise(state, at, ids))
  }

  emit(fromMs)
  let index = 0
  while (index < ordered.length) {
    const bucketEnd = fromMs + (Math.floor((ordered[index].at - fromMs) / bucketMs) + 1) * bucketMs
    while (index < ordered.length && ordered[index].at < bucketEnd) {
      const change = ordered[index++]
      if (change.kind === 'gone') state.delete(change.listingId)
      else
        state.set(change.listingId, {
          price: change.newPriceMinor,
          quantity: change.newQuantity ?? 0,
        })
    }
    emit(Math.min(bucketEnd, toMs))
  }
  if (result.all[result.all.length - 1].at < toMs) emit(toMs)
  return result
}

/** One value per day (the day's last point): the daily lowest of a series, for curves and sparklines. */
export function dailyLowest(
  points: SeriesPoint[],
  fromMs: number,
  toMs: number
): Array<{ at: number; lowest: number | null }> {
  const days: Array<{ at: number; lowest: number | null }> = []
  let index = 0
  let current: number | null = null
  for (let day = fromMs; day <= toMs; day += 86_400_000) {
    let dayLowest: number | null = current
    while (
      index < points.length &&
      points[index].at <= day + 86_400_000 &&
      points[index].at <= toMs
    ) {
      current = points[index].lowest
      if (current !== null && (dayLowest === null || current < dayLowest)) dayLowest = current
      index++
    }
    days.push({ at: day, lowest: dayLowest })
  }
  return days
}

/** The lowest price at regular steps (the last known value at each step's end; null before any), for sparklines. */
export function sampleLowest(
  points: Array<Pick<SeriesPoint, 'at' | 'lowest'>>,
  fromMs: number,
  toMs: number,
  stepMs: number
): Array<number | null> {
  const samples: Array<number | null> = []
  let index = 0
  let current: number | null = null
  for (let at = fromMs + stepMs; at <= toMs + stepMs - 1; at += stepMs) {
    while (index < points.length && points[index].at <= at) current = points[index++].lowest
    samples.push(current)
  }
  return samples
}
