import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { upsertEvent } from '#monitoring/event_catalogue'
import { writeMarket } from '#monitoring/market_writer'
import { fromDbTime } from '#purchasing/sql'
import { priceSeries } from '#analytics/price_series'
import { readEventRollups, rebuildMarketRollups, POINTS_KEEP_MS } from '#analytics/event_rollup'
import { createPlatform, normalisedEvent, normalisedListing, snapshot } from '#tests/helpers/market'
import type { NormalisedListing } from '#connectors/contract'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** The last value of a step series at `at` (null before its first point). */
function valueAt(points: Array<{ at: number; lowest: number | null }>, at: number) {
  let value: number | null = null
  for (const point of points) if (point.at <= at) value = point.lowest
  return value
}

/** The event's market replayed from its listings now and its history (app/analytics/price_series.ts). */
async function replay(eventId: number, fromMs: number, toMs: number) {
  const listings = await db
    .from('listings')
    .where('event_id', eventId)
    .select('id', 'price_minor', 'quantity', 'status')
  const changes = await db.from('listing_changes').where('event_id', eventId).select('*')
  const history = changes.map((row) => ({
    listingId: Number(row.listing_id),
    kind: row.kind,
    oldPriceMinor: row.old_price_minor,
    newPriceMinor: row.new_price_minor,
    oldQuantity: row.old_quantity,
    newQuantity: row.new_quantity,
    at: fromDbTime(row.observed_at)!.getTime(),
  }))
  const available = listings.filter((row) => row.status === 'available')
  const series = priceSeries(
    listings.map((row) => ({
      id: row.id,
      platform: 'any',
      priceMinor: row.price_minor,
      quantity: row.quantity,
      available: row.status === 'available',
    })),
    history,
    fromMs,
    toMs,
    1,
    { perPlatform: false }
  )
  const prices = available.map((row) => row.price_minor).filter((price) => price !== null)
  return {
    points: series.all,
    times: [...new Set(history.map((change) => change.at))],
    now: {
      lowest: prices.length ? Math.min(...prices) : null,
      listings: available.length,
      tickets: available.reduce((sum, row) => sum + Number(row.quantity), 0),
    },
  }
}

/** The roll-up of one event against the replay: the figures now, and the lowest price before and after every change of the window. */
async function assertMatchesReplay(assert: any, eventId: number, nowMs: number) {
  const fromMs = nowMs - 7 * DAY
  const rollup = (await readEventRollups([eventId], fromMs, nowMs)).get(eventId)!
  const expected = await replay(eventId, fromMs, nowMs)
  assert.deepEqual(
    { lowest: rollup.lowest, listings: rollup.listings, tickets: rollup.tickets },
    expected.now
  )
  assert.equal(rollup.lowestSteps[0].at, fromMs)
  const samples = [fromMs, nowMs]
  for (const at of expected.times.filter((time) => time > fromMs && time < nowMs))
    samples.push(at - 1, at + 1)
  for (const at of samples.sort((a, b) => a - b))
    assert.equal(
      valueAt(rollup.lowestSteps, at),
      valueAt(expected.points, at),
      `lowest price at ${new Date(at).toISOString()}`
    )
  return rollup
}

async function rollupRows(eventId: number, fromMs: number) {
  const rollups = await db
    .from('market_rollups')
    .where('event_id', eventId)
    .orderBy('event_source_id')
    .select('*')
  const points = await db
    .from('market_lowest_points')
    .where('event_id', eventId)
    .where('at', '>', fromMs)
    .orderBy('event_source_id')
    .orderBy('at')
    .select('event_source_id', 'at', 'lowest_price_minor', 'previous_lowest_minor')
  const plain = (rows: any[]) =>
    rows.map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => [key, value === null ? null : Number(value)])
      )
    )
  return { rollups: plain(rollups), points: plain(points) }
}

test.group('Market roll-ups', () => {
  test('equal what replaying the history gives, after each change and after a rebuild', async ({
    assert,
  }) => {
    const exchange = await createPlatform()
    const market = await createPlatform()
    const event = normalisedEvent()
    const a = await upsertEvent(exchange.id, event)
    const b = await upsertEvent(market.id, event)
    assert.equal(b.eventId, a.eventId)
    const eventId = a.eventId
    const sourceA = { id: a.sourceId, eventId }
    const sourceB = { id: b.sourceId, eventId }
    const unpriced: NormalisedListing = { ...normalisedListing('N1', 1, 3), price: null }

    /** Whole seconds: MySQL keeps the history's times to the second, the roll-up to the millisecond. */
    const nowMs = Math.floor(Date.now() / 1000) * 1000
    const steps: Array<[typeof sourceA, NormalisedListing[], number]> = [
      /** Older than the 8 days of points kept: known only as the price before the next point. */
      [sourceA, [normalisedListing('L1', 9_000, 2), normalisedListing('L2', 9_500, 1)], 10 * DAY],
      [sourceB, [normalisedListing('M1', 8_800, 4)], 6 * DAY],
      [sourceA, [normalisedListing('L1', 8_500, 2)], 5 * DAY],
      /** Unchanged: no history, no point */
      [sourceA, [normalisedListing('L1', 8_500, 2)], 4 * DAY],
      [sourceB, [normalisedListing('M1', 8_800, 3), normalisedListing('M2', 8_000, 2)], 3 * DAY],
      [sourceA, [], 2 * DAY],
      /** Both sources at the same instant */
      [sourceA, [normalisedListing('L3', 7_000, 1)], 1 * DAY],
      [sourceB, [normalisedListing('M1', 8_800, 3), unpriced], 1 * DAY],
      [sourceB, [normalisedListing('M1', 9_900, 3), unpriced], 1 * HOUR],
    ]
    for (const [source, listings, ago] of steps) {
      const next = snapshot(
        event,
        listings.filter((listing) => listing.price)
      )
      next.listings = listings
      await writeMarket(source, next, new Date(nowMs - ago))
      await assertMatchesReplay(assert, eventId, nowMs)
    }

    const rollup = await assertMatchesReplay(assert, eventId, nowMs)
    assert.deepInclude(rollup, { lowest: 7_000, listings: 3, tickets: 7 })
    assert.equal(rollup.lastChangeAt, nowMs - HOUR)
    assert.deepEqual(
      rollup.lowestSteps.map((step) => [(nowMs - step.at) / DAY, step.lowest]),
      [
        [7, 9_000],
        [6, 8_800],
        [5, 8_500],
        [3, 8_000],
        [1, 7_000],
      ]
    )

    /** The rebuild writes what the write path wrote. */
    const fromMs = nowMs - POINTS_KEEP_MS
    const written = await rollupRows(eventId, fromMs)
    await rebuildMarketRollups({ now: new Date(nowMs) })
    assert.deepEqual(await rollupRows(eventId, fromMs), written)
    assert.deepEqual(
      (await readEventRollups([eventId], nowMs - 7 * DAY, nowMs)).get(eventId),
      rollup
    )
    await assertMatchesReplay(assert, eventId, nowMs)

    /** A rebuild of named events only (as after the demo's seed) */
    await db.from('market_rollups').where('event_id', eventId).delete()
    await rebuildMarketRollups({ now: new Date(nowMs), eventIds: [eventId] })
    assert.deepEqual(await rollupRows(eventId, fromMs), written)
  })

  test('an event without listings has no roll-up, and an empty source counts nothing', async ({
    assert,
  }) => {
    const platform = await createPlatform()
    const event = normalisedEvent()
    const { eventId, sourceId } = await upsertEvent(platform.id, event)
    const nowMs = Date.now()
    assert.isUndefined((await readEventRollups([eventId], nowMs - 7 * DAY, nowMs)).get(eventId))
    await writeMarket({ id: sourceId, eventId }, snapshot(event, []), new Date(nowMs))
    assert.isUndefined((await readEventRollups([eventId], nowMs - 7 * DAY, nowMs)).get(eventId))
    await writeMarket(
      { id: sourceId, eventId },
      snapshot(event, [normalisedListing('X', 5_000, 1)]),
      new Date(nowMs)
    )
    await writeMarket({ id: sourceId, eventId }, snapshot(event, []), new Date(nowMs + 1))
    const rollup = (await readEventRollups([eventId], nowMs - 7 * DAY, nowMs + 1)).get(eventId)!
    assert.deepInclude(rollup, { lowest: null, listings: 0, tickets: 0 })
    assert.deepEqual(
      rollup.lowestSteps.map((step) => step.lowest),
      [null, 5_000, null]
    )
  })
})
