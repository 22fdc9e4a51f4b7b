/**
 * Backtest: replays an event's stored change history through a rule, as if
 * it had existed then — same matcher, same cooldown and hysteresis — and
 * counts the alerts it would have raised. `replay` is pure; `backtest` loads
 * the history.
 */
import db from '@adonisjs/lucid/services/db'
import PriceHistory from '#alerts/price_history'
import {
  compileRule,
  evaluateRule,
  type ChangeView,
  type ListingView,
  type RuleSpec,
} from '#alerts/rule_engine'

export interface HistoryRow {
  listingId: number
  eventId: number
  kind: ChangeView['kind']
  oldPriceMinor: number | null
  newPriceMinor: number | null
  newQuantity: number | null
  currency: string
  observedAt: Date
  /** Part of its source's first load: state only, never an alert (as in live checks) */
  baseline?: boolean
}

export interface ListingMeta {
  id: number
  platform: string
  section: string | null
  row: string | null
  splits: number[] | null
}

export interface ReplayResult {
  fires: number
  samples: Array<{
    at: string
    listingId: number | null
    condition: string
    priceMinor: number | null
  }>
}

export function replay(
  spec: RuleSpec,
  rows: readonly HistoryRow[],
  meta: ReadonlyMap<number, ListingMeta>
): ReplayResult {
  const compiled = compileRule(spec)
  const state = new Map<number, ListingView>()
  const seenGone = new Set<number>()
  const history = new PriceHistory()
  const lastAlertPrice = new Map<string, number | null>()
  const keys = new Set<string>()
  const result: ReplayResult = { fires: 0, samples: [] }

  for (const row of rows) {
    const info = meta.get(row.listingId)
    if (!info) continue
    const previous = state.get(row.listingId)
    const listing: ListingView = {
      id: row.listingId,
      platform: info.platform,
      section: info.section,
      row: info.row,
      splits: info.splits,
      quantity: row.kind === 'gone' ? 0 : (row.newQuantity ?? previous?.quantity ?? 0),
      priceMinor: row.kind === 'gone' ? (previous?.priceMinor ?? null) : row.newPriceMinor,
      priceWithFeesMinor: null,
      currency: row.currency,
      status: row.kind === 'gone' ? 'gone' : 'available',
    }
    state.set(row.listingId, listing)
    const reappeared = row.kind === 'appeared' && seenGone.has(row.listingId)
    if (row.kind === 'gone') seenGone.add(row.listingId)

    const at = row.observedAt.getTime()
    const matches = row.baseline
      ? []
      : evaluateRule(compiled, {
          event: {
            id: row.eventId,
            status: 'onsale',
            startsAt: null,
            league: null,
            homeTeam: null,
            awayTeam: null,
            venue: null,
          },
          statusChanged: null,
          listings: state,
          changes: [
            {
              listingId: row.listingId,
              kind: row.kind,
              oldPriceMinor: row.oldPriceMinor,
              newPriceMinor: row.newPriceMinor,
              reappeared,
            },
          ],
          history: {
            lowestInDays: (days) => history.lowestInDays(days, at),
            rankOf: (price) => history.rankOf(price),
          },
          lastAlertPrice,
          now: row.observedAt,
        })
    for (const match of matches) {
      if (keys.has(match.dedupeKey)) continue
      keys.add(match.dedupeKey)
      lastAlertPrice.set(
        `${match.ruleId}:${match.listingId ?? 'event'}:${match.condition}`,
        match.priceMinor
      )
      result.fires++
      if (result.samples.length < 20) {
        result.samples.push({
          at: row.observedAt.toISOString(),
          listingId: match.listingId,
          condition: match.condition,
          priceMinor: match.priceMinor,
        })
      }
    }
    if (row.newPriceMinor !== null && row.kind !== 'gone') history.add(at, row.newPriceMinor)
  }
  return result
}

/** Loads the stored history of the events (up to 50,000 changes) and replays it. */
export async function backtest(
  spec: RuleSpec,
  eventIds: number[],
  from: Date,
  to: Date
): Promise<ReplayResult> {
  if (eventIds.length === 0) return { fires: 0, samples: [] }
  const rows = await db
    .from('listing_changes')
    .whereIn('event_id', eventIds.slice(0, 500))
    .where('observed_at', '>=', from)
    .where('observed_at', '<=', to)
    .orderBy('observed_at', 'asc')
    .orderBy('id', 'asc')
    .limit(50_000)
  if (rows.length === 0) return { fires: 0, samples: [] }
  const listingIds = [...new Set(rows.map((row) => row.listing_id as number))]
  const meta = new Map<number, ListingMeta>()
  for (let offset = 0; offset < listingIds.length; offset += 500) {
    const listings = await db
      .from('listings')
      .join('event_sources', 'event_sources.id', 'listings.event_source_id')
      .join('platforms', 'platforms.id', 'event_sources.platform_id')
      .whereIn('listings.id', listingIds.slice(offset, offset + 500))
      .select(
        'listings.id',
        'listings.section',
        'listings.row',
        'listings.splits',
        'platforms.slug as platform'
      )
    for (const listing of listings) {
      meta.set(listing.id, {
        id: listing.id,
        platform: listing.platform,
        section: listing.section,
        row: listing.row,
        splits: typeof listing.splits === 'string' ? JSON.parse(listing.splits) : listing.splits,
      })
    }
  }
  const firstLoads = await db
    .from('listing_changes')
    .whereIn('event_source_id', [...new Set(rows.map((row) => row.event_source_id as number))])
    .select('event_source_id')
    .min('observed_at as first')
    .groupBy('event_source_id')
  const baselineAt = new Map(
    firstLoads.map((row) => [row.event_source_id as number, new Date(row.first).getTime()])
  )
  return replay(
    spec,
    rows.map((row) => ({
      baseline: baselineAt.get(row.event_source_id) === new Date(row.observed_at).getTime(),
      listingId: row.listing_id,
      eventId: row.event_id,
      kind: row.kind,
      oldPriceMinor: row.old_price_minor,
      newPriceMinor: row.new_price_minor,
      newQuantity: row.new_quantity,
      currency: row.currency,
      observedAt: new Date(row.observed_at),
    })),
    meta
  )
}
