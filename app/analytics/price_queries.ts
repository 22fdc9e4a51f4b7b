/**
 * Reads for the price charts: the listings of some events as stored now and
 * their changes inside a window (the (event_id, observed_at) index), handed
 * to the pure price series. Only the window's changes are read, whatever the
 * event's age.
 */
import db from '@adonisjs/lucid/services/db'
import { fromDbTime } from '#purchasing/sql'
import {
  priceSeries,
  dailyLowest,
  bucketFor,
  type HistoryChange,
  type ListingNow,
  type PriceSeries,
} from '#analytics/price_series'
import { DAY_MS, type PastEvent } from '#analytics/days_before'

const ms = (value: unknown) => fromDbTime(value)?.getTime() ?? Number.NaN
const numOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value))

/** The columns of `listing_changes` a replay reads (beside the one its caller groups by). */
export const REPLAY_CHANGE_COLUMNS = [
  'listing_id',
  'kind',
  'old_price_minor',
  'new_price_minor',
  'old_quantity',
  'new_quantity',
  'observed_at',
] as const

/** A `listing_changes` row (REPLAY_CHANGE_COLUMNS) as the replays take it. */
export function historyChangeOf(row: Record<string, any>): HistoryChange {
  return {
    listingId: Number(row.listing_id),
    kind: row.kind,
    oldPriceMinor: numOrNull(row.old_price_minor),
    newPriceMinor: numOrNull(row.new_price_minor),
    oldQuantity: numOrNull(row.old_quantity),
    newQuantity: numOrNull(row.new_quantity),
    at: ms(row.observed_at),
  }
}

export async function loadSeries(
  eventIds: number[],
  fromMs: number,
  toMs: number,
  bucketMs?: number,
  options: { perPlatform?: boolean } = {}
): Promise<Map<number, PriceSeries>> {
  const result = new Map<number, PriceSeries>()
  if (!eventIds.length) return result
  const [listings, changes] = await Promise.all([
    db
      .from('listings')
      .join('event_sources', 'event_sources.id', 'listings.event_source_id')
      .join('platforms', 'platforms.id', 'event_sources.platform_id')
      .whereIn('listings.event_id', eventIds)
      .select(
        'listings.id',
        'listings.event_id',
        'listings.price_minor',
        'listings.quantity',
        'listings.status',
        'platforms.slug'
      ),
    db
      .from('listing_changes')
      .whereIn('event_id', eventIds)
      .where('observed_at', '>=', new Date(fromMs))
      .where('observed_at', '<=', new Date(toMs))
      .select('event_id', ...REPLAY_CHANGE_COLUMNS),
  ])
  const listingsBy = new Map<number, ListingNow[]>()
  for (const row of listings) {
    if (!listingsBy.has(row.event_id)) listingsBy.set(row.event_id, [])
    listingsBy.get(row.event_id)!.push({
      id: row.id,
      platform: row.slug,
      priceMinor: row.price_minor,
      quantity: row.quantity,
      available: row.status === 'available',
    })
  }
  const changesBy = new Map<number, HistoryChange[]>()
  for (const row of changes) {
    if (!changesBy.has(row.event_id)) changesBy.set(row.event_id, [])
    changesBy.get(row.event_id)!.push(historyChangeOf(row))
  }
  for (const id of eventIds)
    result.set(
      id,
      priceSeries(
        listingsBy.get(id) ?? [],
        changesBy.get(id) ?? [],
        fromMs,
        toMs,
        bucketMs ?? bucketFor(fromMs, toMs),
        options
      )
    )
  return result
}

export type ChartPoint = [number, number | null, number | null]
export type PriceChart = {
  from: string
  to: string
  currency: string
  series: Array<{ platform: string; points: ChartPoint[] }>
  availability: Array<[number, number, number]>
  markers: Array<{ at: number; label: string }>
}

/**
 * The availability line starts at the first check: the buckets before it
 * hold no observation (0 listings because nothing was seen yet, not because
 * the event sold out), and drawing them showed a false drop to 0.
 */
export function availabilityPoints(
  points: Array<{ at: number; listings: number; tickets: number }>
): Array<[number, number, number]> {
  const first = points.findIndex((point) => point.listings > 0 || point.tickets > 0)
  return (first === -1 ? [] : points.slice(first)).map((point) => [
    point.at,
    point.listings,
    point.tickets,
  ])
}

/** The event's price chart: lowest and median per platform, availability, on-sale and status changes. */
export async function priceChart(
  eventId: number,
  now = new Date(),
  days = 90
): Promise<PriceChart> {
  const toMs = now.getTime()
  /** The window starts at the event's first recorded change when that is more recent than `days` ago. */
  const first = await db
    .from('listing_changes')
    .where('event_id', eventId)
    .min('observed_at as first')
    .first()
  const firstMs = first?.first === null || first?.first === undefined ? null : ms(first.first)
  const fromMs = Math.max(
    toMs - days * DAY_MS,
    firstMs === null ? -Infinity : firstMs - Math.max(60_000, (toMs - firstMs) * 0.05)
  )
  const [series] = [...(await loadSeries([eventId], fromMs, toMs)).values()]
  const [event, statuses] = await Promise.all([
    db.from('events').where('id', eventId).select('onsale_at', 'presale_at').first(),
    db
      .from('event_status_changes')
      .where('event_id', eventId)
      .where('observed_at', '>=', new Date(fromMs))
      .orderBy('observed_at')
      .select('from_status', 'to_status', 'observed_at'),
  ])
  const markers: PriceChart['markers'] = []
  if (event?.presale_at && ms(event.presale_at) >= fromMs && ms(event.presale_at) <= toMs)
    markers.push({ at: ms(event.presale_at), label: 'Presale' })
  if (event?.onsale_at && ms(event.onsale_at) >= fromMs && ms(event.onsale_at) <= toMs)
    markers.push({ at: ms(event.onsale_at), label: 'On sale' })
  for (const row of statuses)
    markers.push({
      at: ms(row.observed_at),
      label: `${row.from_status ?? 'new'} → ${row.to_status}`,
    })
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    currency: 'USD',
    series: Object.entries(series.platforms)
      .map(([platform, points]) => ({
        platform,
        points: points.map((point): ChartPoint => [point.at, point.lowest, point.median]),
      }))
      .filter((entry) => entry.points.some((point) => point[1] !== null)),
    availability: availabilityPoints(series.all),
    markers: markers.sort((a, b) => a.at - b.at),
  }
}

/** Daily lowest prices of an event over the last `days` days (for the deal score's history part and sparklines). */
export async function dailyLowestFor(eventIds: number[], now = new Date(), days = 30) {
  const toMs = now.getTime()
  const fromMs = toMs - days * DAY_MS
  const series = await loadSeries(eventIds, fromMs, toMs, 3_600_000, { perPlatform: false })
  const result = new Map<number, Array<{ at: number; lowest: number | null }>>()
  for (const [id, entry] of series)
    result.set(id, dailyLowest(entry.all, fromMs, toMs).slice(0, days))
  return result
}

/**
 * Past events like the given ones (same league, or a team among home/away),
 * each with its daily lowest price by days before it started.
 */
/**
 * Played events do not change: their curves are kept for 10 minutes per
 * league/team (a few hundred replays each on a large catalogue). Only
 * non-empty results are kept, so the first recorded history shows at once.
 */
const pastCache = new Map<string, { at: number; value: PastEvent[] }>()
const PAST_TTL_MS = 10 * 60_000

export async function pastEvents(
  filter: { league?: string | null; team?: string | null },
  now = new Date(),
  options: { maxDays?: number; limit?: number } = {}
): Promise<PastEvent[]> {
  const key = JSON.stringify([
    filter.league?.toLowerCase() ?? null,
    filter.team?.toLowerCase() ?? null,
    options.maxDays ?? 60,
    options.limit ?? 150,
  ])
  const cached = pastCache.get(key)
  if (cached && now.getTime() - cached.at < PAST_TTL_MS && now.getTime() >= cached.at)
    return cached.value
  const value = await readPastEvents(filter, now, options)
  if (value.length) {
    if (pastCache.size >= 100) pastCache.delete(pastCache.keys().next().value!)
    pastCache.set(key, { at: now.getTime(), value })
  }
  return value
}

async function readPastEvents(
  filter: { league?: string | null; team?: string | null },
  now: Date,
  options: { maxDays?: number; limit?: number }
): Promise<PastEvent[]> {
  const maxDays = options.maxDays ?? 60
  const query = db
    .from('events')
    .where('starts_at', '<', now)
    .where('starts_at', '>', new Date(now.getTime() - 730 * DAY_MS))
    .whereNotIn('status', ['cancelled', 'postponed'])
    .orderBy('starts_at', 'desc')
    .limit(options.limit ?? 150)
    .select('id', 'starts_at')
  if (filter.league) query.whereRaw('lower(league) = ?', [filter.league.toLowerCase()])
  if (filter.team) {
    const team = filter.team.toLowerCase()
    query.where((where) =>
      where.whereRaw('lower(home_team) = ?', [team]).orWhereRaw('lower(away_team) = ?', [team])
    )
  }
  const events = await query
  const result: PastEvent[] = []
  /** In chunks: one pair of queries per 50 events. */
  for (let offset = 0; offset < events.length; offset += 50) {
    const chunk = events.slice(offset, offset + 50)
    const earliest = Math.min(...chunk.map((event) => ms(event.starts_at))) - maxDays * DAY_MS
    const latest = Math.max(...chunk.map((event) => ms(event.starts_at)))
    const loaded = await loadRaw(
      chunk.map((event) => event.id),
      earliest,
      latest
    )
    for (const event of chunk) {
      const startsAt = ms(event.starts_at)
      const fromMs = startsAt - maxDays * DAY_MS
      const raw = loaded.get(event.id)
      if (!raw || raw.changes.length === 0) continue
      /** The listings now are the market at the end; changes after the start are undone too. */
      const series = priceSeries(
        raw.listings,
        raw.changes.filter((change) => change.at >= fromMs),
        fromMs,
        Math.max(startsAt, raw.lastChangeAt),
        3_600_000,
        { perPlatform: false }
      )
      const days = dailyLowest(series.all, fromMs, startsAt)
      const daily = days
        .map((day, index) => ({ daysBefore: maxDays - 1 - index, lowest: day.lowest }))
        .filter(
          (day): day is { daysBefore: number; lowest: number } =>
            day.daysBefore >= 0 && day.lowest !== null
        )
      if (daily.length) result.push({ eventId: event.id, startsAt, daily })
    }
  }
  return result
}

async function loadRaw(eventIds: number[], fromMs: number, _toMs: number) {
  const [listings, changes] = await Promise.all([
    db
      .from('listings')
      .join('event_sources', 'event_sources.id', 'listings.event_source_id')
      .join('platforms', 'platforms.id', 'event_sources.platform_id')
      .whereIn('listings.event_id', eventIds)
      .select(
        'listings.id',
        'listings.event_id',
        'listings.price_minor',
        'listings.quantity',
        'listings.status',
        'platforms.slug'
      ),
    db
      .from('listing_changes')
      .whereIn('event_id', eventIds)
      .where('observed_at', '>=', new Date(fromMs))
      .select('event_id', ...REPLAY_CHANGE_COLUMNS),
  ])
  const by = new Map<
    number,
    { listings: ListingNow[]; changes: HistoryChange[]; lastChangeAt: number }
  >()
  const entry = (id: number) => {
    if (!by.has(id)) by.set(id, { listings: [], changes: [], lastChangeAt: 0 })
    return by.get(id)!
  }
  for (const row of listings)
    entry(row.event_id).listings.push({
      id: row.id,
      platform: row.slug,
      priceMinor: row.price_minor,
      quantity: row.quantity,
      available: row.status === 'available',
    })
  for (const row of changes) {
    const target = entry(row.event_id)
    const change = historyChangeOf(row)
    target.lastChangeAt = Math.max(target.lastChangeAt, change.at)
    target.changes.push(change)
  }
  return by
}
