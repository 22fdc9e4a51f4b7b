import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { upsertEvent } from '#monitoring/event_catalogue'
import { writeMarket } from '#monitoring/market_writer'
import { pastEvents, priceChart } from '#analytics/price_queries'
import { priceHistoryCsv } from '#analytics/exports'
import { createPlatform, normalisedEvent, normalisedListing, snapshot } from '#tests/helpers/market'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * The analytics reads on each database (SQLite, MariaDB, PostgreSQL): time
 * windows on stored timestamps, the replay from today's listings, exports.
 */
test.group('Analytics queries', () => {
  test('the price chart replays the window from today’s listings; the CSV lists every change', async ({
    assert,
  }) => {
    const platform = await createPlatform()
    const event = normalisedEvent({
      name: 'DB chart game',
      startsAt: new Date(Date.now() + 10 * DAY).toISOString(),
    })
    const { eventId, sourceId } = await upsertEvent(platform.id, event)
    const source = { id: sourceId, eventId }
    const ago = (hours: number) => new Date(Date.now() - hours * HOUR)
    await writeMarket(
      source,
      snapshot(event, [normalisedListing('A', 10_000, 2), normalisedListing('B', 15_000, 2)]),
      ago(50)
    )
    await writeMarket(
      source,
      snapshot(event, [normalisedListing('A', 9_000, 2), normalisedListing('B', 15_000, 2)]),
      ago(30)
    )
    await writeMarket(source, snapshot(event, [normalisedListing('B', 15_000, 2)]), ago(10))

    const chart = await priceChart(eventId)
    const [series] = chart.series
    assert.equal(series.platform, platform.slug)
    assert.deepEqual(
      series.points.map((point) => point[1]).filter((value) => value !== null),
      [10_000, 9_000, 15_000, 15_000]
    )
    assert.equal(series.points[series.points.length - 1][2], 15_000)
    /** The window starts just before the first change (5 % of its span earlier), not 90 days back. */
    assert.isAbove(Date.parse(chart.from), Date.now() - 53 * HOUR)

    let csv = ''
    for await (const chunk of priceHistoryCsv(eventId)) csv += chunk
    const lines = csv.trim().split('\r\n')
    assert.lengthOf(lines, 1 + 4)
    assert.match(lines[2], /,appeared,,150\.00,USD,,2$/)
    assert.match(lines[4], /,gone,90\.00,,USD,2,0$/)
  })

  test('past events give their daily lowest by days before the start', async ({ assert }) => {
    const platform = await createPlatform()
    const league = `L${Date.now()}`
    const startsAt = Date.now() - 2 * DAY
    const event = normalisedEvent({
      name: 'Played game',
      league,
      startsAt: new Date(startsAt).toISOString(),
    })
    const { eventId, sourceId } = await upsertEvent(platform.id, event)
    const source = { id: sourceId, eventId }
    await writeMarket(
      source,
      snapshot(event, [normalisedListing('A', 10_000, 2)]),
      new Date(startsAt - 5 * DAY - HOUR)
    )
    await writeMarket(
      source,
      snapshot(event, [normalisedListing('A', 8_000, 2)]),
      new Date(startsAt - 2 * DAY - HOUR)
    )

    const [past] = await pastEvents({ league })
    assert.equal(past.eventId, eventId)
    const byDay = Object.fromEntries(past.daily.map((day) => [day.daysBefore, day.lowest]))
    assert.equal(byDay[5], 10_000)
    assert.equal(byDay[3], 10_000)
    assert.equal(byDay[2], 8_000)
    assert.equal(byDay[0], 8_000)
    assert.isUndefined(byDay[7])
    await db.from('events').where('id', eventId).delete()
  })
})
