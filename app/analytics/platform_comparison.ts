/**
 * The same event across platforms (pure): lowest, median, listings and
 * tickets on sale per platform, and how far each platform's lowest is above
 * the cheapest one. Platforms that publish only a price summary show it.
 */
import { median } from '#analytics/stats'

export type PlatformListing = {
  platform: string
  priceMinor: number | null
  priceWithFeesMinor: number | null
  quantity: number
}
export type PlatformSummary = {
  platform: string
  minPriceMinor: number | null
  listingCount: number | null
}
export type PlatformRow = {
  platform: string
  lowestMinor: number | null
  medianMinor: number | null
  lowestWithFeesMinor: number | null
  listings: number | null
  tickets: number | null
  aboveCheapest: number | null
  summaryOnly: boolean
}

export function comparePlatforms(
  listings: readonly PlatformListing[],
  summaries: readonly PlatformSummary[] = []
): PlatformRow[] {
  const groups = new Map<string, PlatformListing[]>()
  for (const listing of listings) {
    if (!groups.has(listing.platform)) groups.set(listing.platform, [])
    groups.get(listing.platform)!.push(listing)
  }
  const rows: PlatformRow[] = []
  for (const [platform, items] of groups) {
    const prices = items
      .map((item) => item.priceMinor)
      .filter((price): price is number => price !== null)
    const withFees = items
      .map((item) => item.priceWithFeesMinor)
      .filter((price): price is number => price !== null)
    rows.push({
      platform,
      lowestMinor: prices.length ? Math.min(...prices) : null,
      medianMinor: median(prices),
      lowestWithFeesMinor: withFees.length ? Math.min(...withFees) : null,
      listings: items.length,
      tickets: items.reduce((sum, item) => sum + item.quantity, 0),
      aboveCheapest: null,
      summaryOnly: false,
    })
  }
  for (const summary of summaries) {
    if (groups.has(summary.platform)) continue
    rows.push({
      platform: summary.platform,
      lowestMinor: summary.minPriceMinor,
      medianMinor: null,
      lowestWithFeesMinor: null,
      listings: summary.listingCount,
      tickets: null,
      aboveCheapest: null,
      summaryOnly: true,
    })
  }
  const cheapest = Math.min(...rows.map((row) => row.lowestMinor ?? Infinity))
  for (const row of rows) {
    if (row.lowestMinor !== null && Number.isFinite(cheapest) && cheapest > 0)
      row.aboveCheapest = Math.round(((row.lowestMinor - cheapest) / cheapest) * 1000) / 1000
  }
  return rows.sort(
    (a, b) =>
      (a.lowestMinor ?? Infinity) - (b.lowestMinor ?? Infinity) ||
      a.platform.localeCompare(b.platform)
  )
}

/** Per-section price spread of the listings on sale: min, quartiles, max (for a box-like chart). */
export function sectionSpread(
  listings: ReadonlyArray<{ section: string | null; priceMinor: number | null }>,
  limit = 20
) {
  const groups = new Map<string, number[]>()
  for (const listing of listings) {
    if (listing.priceMinor === null) continue
    const key = listing.section?.trim() || '(no section)'
    if (!groups.has(key)) groups.set(key, [])
    groups.get(key)!.push(listing.priceMinor)
  }
  const quantile = (sorted: number[], q: number) => {
    const position = (sorted.length - 1) * q
    const low = Math.floor(position)
    return Math.round(sorted[low] + (sorted[Math.ceil(position)] - sorted[low]) * (position - low))
  }
  return [...groups.entries()]
    .map(([section, prices]) => {
      const sorted = prices.sort((a, b) => a - b)
      return {
        section,
        count: sorted.length,
        minMinor: sorted[0],
        q1Minor: quantile(sorted, 0.25),
        medianMinor: quantile(sorted, 0.5),
        q3Minor: quantile(sorted, 0.75),
        maxMinor: sorted[sorted.length - 1],
      }
    })
    .sort((a, b) => b.count - a.count || a.section.localeCompare(b.section))
    .slice(0, limit)
    .sort((a, b) => a.medianMinor - b.medianMinor)
}

/** Weekly median asking price per group (team or league), from price observations. */
export function weeklyTrend(
  points: ReadonlyArray<{ group: string; at: number; priceMinor: number }>
) {
  const WEEK = 7 * 86_400_000
  /** Weeks start on Monday 00:00 UTC (the epoch was a Thursday). */
  const weekStart = (at: number) => Math.floor((at - 4 * 86_400_000) / WEEK) * WEEK + 4 * 86_400_000
  const buckets = new Map<string, Map<number, number[]>>()
  for (const point of points) {
    if (!buckets.has(point.group)) buckets.set(point.group, new Map())
    const weeks = buckets.get(point.group)!
    const week = weekStart(point.at)
    if (!weeks.has(week)) weeks.set(week, [])
    weeks.get(week)!.push(point.priceMinor)
  }
  return [...buckets.entries()].map(([group, weeks]) => ({
    group,
    points: [...weeks.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([week, prices]) => ({
        week: new Date(week).toISOString().slice(0, 10),
        medianMinor: median(prices)!,
        observations: prices.length,
      })),
  }))
}
