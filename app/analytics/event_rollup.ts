/**
 * The market roll-ups the dashboard reads (tables: database/migrations/
 * 0072_create_market_rollups_tables.ts), so that a page view reads a few
 * rows per event instead of replaying its history:
 *
 * - updateMarketRollups(trx, markets, now): the write path, called by the
 *   market writer inside the transaction that applied a check's changes.
 *   Per event source: the available listings' lowest price, count and
 *   tickets, and a point when the lowest price moved.
 * - rebuildMarketRollups(): the same figures from the listings and the
 *   change-only history (`node ace rollups:rebuild`; run by the migration that
 *   creates the tables, after the demo seed and after the benchmark seed).
 * - readEventRollups(eventIds, fromMs, nowMs): per event (all its sources),
 *   the figures now and the lowest price as steps since fromMs.
 *
 * The replay (replayLowest) is pure and is what the rebuild writes; the
 * functional test holds both paths to app/analytics/price_series.ts.
 */
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import { fromDbTime } from '#purchasing/sql'
import { marketNow, undoChanges, type MarketState } from '#analytics/price_series'
import { REPLAY_CHANGE_COLUMNS, historyChangeOf } from '#analytics/price_queries'
import { dashboardVersions } from '#monitoring/dashboard_cache'

const DAY_MS = 86_400_000
/** Points are kept this long: the dashboard's 7-day sparkline, and a day to spare. */
export const POINTS_KEEP_MS = 8 * DAY_MS

export interface MarketRef {
  /** event_sources.id */
  id: number
  eventId: number
}

export type RollupFigures = {
  lowest: number | null
  listings: number
  tickets: number
}

export type LowestStep = { at: number; lowest: number | null }

export type EventRollup = RollupFigures & {
  lastChangeAt: number | null
  /** The lowest price at fromMs, then at each time it changed up to nowMs (first entry at fromMs) */
  lowestSteps: LowestStep[]
}

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value))

/**
 * Called once per write, in its transaction, with the markets (event
 * sources) whose listings it changed (none: nothing to do). Reads only the
 * listings of those sources, which only their own check writes. A batch of
 * checks passes all its changed markets at once: the same five statements
 * whatever their number (figures, previous lowest, the rollup rows, the new
 * points, the points past keeping), not five per market.
 */
export async function updateMarketRollups(
  trx: TransactionClientContract,
  markets: MarketRef[],
  now: Date
): Promise<void> {
  const at = now.getTime()
  /** Dashboards of this process showing these events read them again once this commits */
  if (markets.length)
    trx.after('commit', () => {
      for (const market of markets) dashboardVersions.eventChanged(market.eventId)
    })
  for (let offset = 0; offset < markets.length; offset += 200) {
    const chunk = markets.slice(offset, offset + 200)
    const ids = chunk.map((market) => Number(market.id))
    const [figureRows, previousRows] = await Promise.all([
      trx
        .from('listings')
        .whereIn('event_source_id', ids)
        .where('status', 'available')
        .groupBy('event_source_id')
        .select('event_source_id')
        .min('price_minor as lowest')
        .count('* as listings')
        .sum('quantity as tickets'),
      trx
        .from('market_rollups')
        .whereIn('event_source_id', ids)
        .select('event_source_id', 'lowest_price_minor'),
    ])
    const figures = new Map(figureRows.map((row) => [Number(row.event_source_id), row]))
    const previous = new Map(
      previousRows.map((row) => [Number(row.event_source_id), num(row.lowest_price_minor)])
    )
    const rollups = []
    const points = []
    for (const market of chunk) {
      const row = figures.get(Number(market.id))
      const lowest = num(row?.lowest)
      rollups.push({
        event_source_id: market.id,
        event_id: market.eventId,
        lowest_price_minor: lowest,
        available_listings: Number(row?.listings ?? 0),
        available_tickets: Number(row?.tickets ?? 0),
        last_change_at: at,
      })
      const before = previous.get(Number(market.id)) ?? null
      if (before !== lowest) {
        points.push({
          event_source_id: market.id,
          event_id: market.eventId,
          at,
          lowest_price_minor: lowest,
          previous_lowest_minor: before,
        })
      }
    }
    await trx.table('market_rollups').multiInsert(rollups).onConflict('event_source_id').merge()
    if (points.length > 0) {
      await trx.table('market_lowest_points').multiInsert(points)
      await trx
        .from('market_lowest_points')
        .whereIn(
          'event_source_id',
          points.map((point) => point.event_source_id)
        )
        .where('at', '<', at - POINTS_KEEP_MS)
        .delete()
    }
  }
}

export type ReplayListing = {
  id: number
  priceMinor: number | null
  quantity: number
  available: boolean
}
export type ReplayChange = {
  listingId: number
  kind: string
  oldPriceMinor: number | null
  newPriceMinor: number | null
  oldQuantity: number | null
  newQuantity: number | null
  at: number
}

function figuresOf(state: MarketState) {
  let lowest: number | null = null
  let tickets = 0
  for (const listing of state.values()) {
    tickets += listing.quantity
    if (listing.price !== null && (lowest === null || listing.price < lowest))
      lowest = listing.price
  }
  return { lowest, listings: state.size, tickets }
}

/**
 * One market's figures now and its lowest price's changes after fromMs, from
 * its listings as stored now and its changes after fromMs (pure). As in
 * price_series.ts: the changes are undone from the listings now, newest
 * first, to get the market at fromMs, then played forward; the changes of
 * one instant (one check) count as one step.
 */
export function replayLowest(
  listings: ReplayListing[],
  changes: ReplayChange[],
  fromMs: number
): {
  now: RollupFigures
  points: Array<{ at: number; lowest: number | null; previous: number | null }>
} {
  const state = marketNow(listings)
  const now = figuresOf(state)
  const ordered = changes.filter((change) => change.at > fromMs).sort((a, b) => a.at - b.at)
  undoChanges(state, ordered)
  const points: Array<{ at: number; lowest: number | null; previous: number | null }> = []
  let current = figuresOf(state).lowest
  let index = 0
  while (index < ordered.length) {
    const at = ordered[index].at
    while (index < ordered.length && ordered[index].at === at) {
      const change = ordered[index++]
      if (change.kind === 'gone') state.delete(change.listingId)
      else
        state.set(change.listingId, {
          price: change.newPriceMinor,
          quantity: change.newQuantity ?? 0,
        })
    }
    const lowest = figuresOf(state).lowest
    if (lowest !== current) points.push({ at, lowest, previous: current })
    current = lowest
  }
  return { now, points }
}

/**
 * Every roll-up again from the listings and the last 8 days of history,
 * a chunk of events at a time (each chunk in its own transaction).
 */
export async function rebuildMarketRollups(
  options: {
    client?: QueryClientContract
    now?: Date
    chunk?: number
    /** Only these events (their history was written outside the check pipeline); default: all */
    eventIds?: number[]
    log?: (line: string) => void
  } = {}
): Promise<{ markets: number; points: number }> {
  const client = options.client ?? db.connection()
  const fromMs = (options.now ?? new Date()).getTime() - POINTS_KEEP_MS
  const chunk = options.chunk ?? 200
  const ids =
    options.eventIds ??
    (await client.from('events').orderBy('id').select('id')).map((row) => Number(row.id))
  let markets = 0
  let points = 0
  const inTransaction = async (work: (trx: QueryClientContract) => Promise<void>) =>
    client.isTransaction ? work(client) : client.transaction(work)
  if (!options.eventIds)
    await inTransaction(async (trx) => {
      await trx.from('market_lowest_points').delete()
      await trx.from('market_rollups').delete()
    })
  for (let offset = 0; offset < ids.length; offset += chunk) {
    const eventIds = ids.slice(offset, offset + chunk)
    await inTransaction(async (trx) => {
      if (options.eventIds) {
        await trx.from('market_lowest_points').whereIn('event_id', eventIds).delete()
        await trx.from('market_rollups').whereIn('event_id', eventIds).delete()
      }
      const [listings, changes] = await Promise.all([
        trx
          .from('listings')
          .whereIn('event_id', eventIds)
          .select(
            'id',
            'event_id',
            'event_source_id',
            'price_minor',
            'quantity',
            'status',
            'last_changed_at'
          ),
        trx
          .from('listing_changes')
          .whereIn('event_id', eventIds)
          .where('observed_at', '>', new Date(fromMs))
          .select('event_source_id', ...REPLAY_CHANGE_COLUMNS),
      ])
      const bySource = new Map<
        number,
        {
          eventId: number
          listings: ReplayListing[]
          changes: ReplayChange[]
          lastChangeAt: number | null
        }
      >()
      for (const row of listings) {
        if (!bySource.has(row.event_source_id))
          bySource.set(row.event_source_id, {
            eventId: row.event_id,
            listings: [],
            changes: [],
            lastChangeAt: null,
          })
        const entry = bySource.get(row.event_source_id)!
        entry.listings.push({
          id: row.id,
          priceMinor: num(row.price_minor),
          quantity: Number(row.quantity),
          available: row.status === 'available',
        })
        const changed = fromDbTime(row.last_changed_at)?.getTime() ?? null
        if (changed !== null && (entry.lastChangeAt === null || changed > entry.lastChangeAt))
          entry.lastChangeAt = changed
      }
      for (const row of changes)
        bySource.get(row.event_source_id)?.changes.push(historyChangeOf(row))
      const rollupRows: Record<string, unknown>[] = []
      const pointRows: Record<string, unknown>[] = []
      for (const [sourceId, entry] of bySource) {
        const replay = replayLowest(entry.listings, entry.changes, fromMs)
        rollupRows.push({
          event_source_id: sourceId,
          event_id: entry.eventId,
          lowest_price_minor: replay.now.lowest,
          available_listings: replay.now.listings,
          available_tickets: replay.now.tickets,
          last_change_at: entry.lastChangeAt,
        })
        for (const point of replay.points)
          pointRows.push({
            event_source_id: sourceId,
            event_id: entry.eventId,
            at: point.at,
            lowest_price_minor: point.lowest,
            previous_lowest_minor: point.previous,
          })
      }
      for (let i = 0; i < rollupRows.length; i += 100)
        await trx.table('market_rollups').multiInsert(rollupRows.slice(i, i + 100))
      for (let i = 0; i < pointRows.length; i += 100)
        await trx.table('market_lowest_points').multiInsert(pointRows.slice(i, i + 100))
      markets += rollupRows.length
      points += pointRows.length
    })
    if (options.log && (offset / chunk) % 10 === 9)
      options.log(`${Math.min(offset + chunk, ids.length)} of ${ids.length} events`)
  }
  dashboardVersions.clear()
  return { markets, points }
}

/**
 * Per event (every source together): the figures now, the last change, and
 * the lowest price from fromMs to nowMs as steps. A source's price at fromMs
 * is the `previous` of its first point after fromMs, or its price now when
 * it has none.
 */
export async function readEventRollups(
  eventIds: number[],
  fromMs: number,
  nowMs: number,
  client: QueryClientContract = db.connection()
): Promise<Map<number, EventRollup>> {
  const result = new Map<number, EventRollup>()
  if (!eventIds.length) return result
  const [rollups, points] = await Promise.all([
    client
      .from('market_rollups')
      .whereIn('event_id', eventIds)
      .select(
        'event_source_id',
        'event_id',
        'lowest_price_minor',
        'available_listings',
        'available_tickets',
        'last_change_at'
      ),
    client
      .from('market_lowest_points')
      .whereIn('event_id', eventIds)
      .where('at', '>', fromMs)
      .orderBy('at')
      .orderBy('id')
      .select('event_source_id', 'event_id', 'at', 'lowest_price_minor', 'previous_lowest_minor'),
  ])
  const sources = new Map<
    number,
    { eventId: number; current: number | null; steps: Array<{ at: number; lowest: number | null }> }
  >()
  for (const row of rollups) {
    const eventId = Number(row.event_id)
    sources.set(Number(row.event_source_id), {
      eventId,
      current: num(row.lowest_price_minor),
      steps: [],
    })
    const entry = result.get(eventId) ?? {
      lowest: null,
      listings: 0,
      tickets: 0,
      lastChangeAt: null,
      lowestSteps: [],
    }
    const lowest = num(row.lowest_price_minor)
    if (lowest !== null && (entry.lowest === null || lowest < entry.lowest)) entry.lowest = lowest
    entry.listings += Number(row.available_listings)
    entry.tickets += Number(row.available_tickets)
    const changed = num(row.last_change_at)
    if (changed !== null && (entry.lastChangeAt === null || changed > entry.lastChangeAt))
      entry.lastChangeAt = changed
    result.set(eventId, entry)
  }
  /** Each source's value at fromMs, then its changes in time order. */
  const startOf = new Map<number, number | null>()
  for (const row of points) {
    const sourceId = Number(row.event_source_id)
    const source = sources.get(sourceId)
    if (!source) continue
    if (!startOf.has(sourceId)) startOf.set(sourceId, num(row.previous_lowest_minor))
    const at = Number(row.at)
    if (at <= nowMs) source.steps.push({ at, lowest: num(row.lowest_price_minor) })
  }
  const byEvent = new Map<number, number[]>()
  for (const [sourceId, source] of sources) {
    if (!startOf.has(sourceId)) startOf.set(sourceId, source.current)
    byEvent.set(source.eventId, [...(byEvent.get(source.eventId) ?? []), sourceId])
  }
  for (const [eventId, sourceIds] of byEvent) {
    const value = new Map(sourceIds.map((id) => [id, startOf.get(id) ?? null]))
    const lowestOf = () => {
      let lowest: number | null = null
      for (const price of value.values())
        if (price !== null && (lowest === null || price < lowest)) lowest = price
      return lowest
    }
    const steps: LowestStep[] = [{ at: fromMs, lowest: lowestOf() }]
    const merged = sourceIds
      .flatMap((id) => sources.get(id)!.steps.map((step) => ({ id, ...step })))
      .sort((a, b) => a.at - b.at)
    let index = 0
    while (index < merged.length) {
      const at = merged[index].at
      while (index < merged.length && merged[index].at === at) {
        const step = merged[index++]
        value.set(step.id, step.lowest)
      }
      const lowest = lowestOf()
      if (lowest !== steps[steps.length - 1].lowest) steps.push({ at, lowest })
    }
    result.get(eventId)!.lowestSteps = steps
  }
  return result
}
