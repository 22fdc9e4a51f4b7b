import { test } from '@japa/runner'
import { priceSeries, dailyLowest, bucketFor, sampleLowest } from '#analytics/price_series'

const H = 3_600_000
test.group('priceSeries (change-only history → lowest / median / availability over time)', () => {
  /**
   * Timeline: listing 1 (platform a) at 100 from before the window; at 1h
   * listing 2 (b) appears at 80; at 2h listing 1 goes to 120; at 3h listing
   * 2 is gone. Now: only listing 1 at 120 is available.
   */
  const listings = [
    { id: 1, platform: 'a', priceMinor: 120, quantity: 2, available: true },
    { id: 2, platform: 'b', priceMinor: 80, quantity: 0, available: false },
  ]
  const changes = [
    {
      listingId: 2,
      kind: 'appeared',
      oldPriceMinor: null,
      newPriceMinor: 80,
      oldQuantity: null,
      newQuantity: 4,
      at: 1 * H + 10,
    },
    {
      listingId: 1,
      kind: 'price_changed',
      oldPriceMinor: 100,
      newPriceMinor: 120,
      oldQuantity: 2,
      newQuantity: 2,
      at: 2 * H + 10,
    },
    {
      listingId: 2,
      kind: 'gone',
      oldPriceMinor: 80,
      newPriceMinor: null,
      oldQuantity: 4,
      newQuantity: 0,
      at: 3 * H + 10,
    },
  ]

  test('undoes the window to find its start, then plays it forward one bucket at a time', ({
    assert,
  }) => {
    const series = priceSeries(listings, changes, 0, 4 * H, H)
    assert.deepEqual(
      series.all.map((point) => [
        point.at,
        point.lowest,
        point.median,
        point.listings,
        point.tickets,
      ]),
      [
        [0, 100, 100, 1, 2],
        [2 * H, 80, 90, 2, 6],
        [3 * H, 80, 100, 2, 6],
        [4 * H, 120, 120, 1, 2],
      ]
    )
    assert.deepEqual(
      series.platforms.a.map((point) => point.lowest),
      [100, 100, 120, 120]
    )
    assert.deepEqual(
      series.platforms.b.map((point) => point.lowest),
      [null, 80, 80, null]
    )
  })

  test("changes outside the window are ignored; a quiet window is a flat line at today's market", ({
    assert,
  }) => {
    const series = priceSeries(listings, changes, 5 * H, 6 * H, H)
    assert.deepEqual(
      series.all.map((point) => [point.at, point.lowest]),
      [
        [5 * H, 120],
        [6 * H, 120],
      ]
    )
  })

  test('bucket width keeps a window to a bounded number of points', ({ assert }) => {
    assert.equal(bucketFor(0, 90 * 24 * H, 400), Math.ceil((90 * 24 * 60) / 400) * 60_000)
    assert.equal(bucketFor(0, H, 400), 60_000)
    assert.equal(bucketFor(0, H, 400, H), H)
  })

  test('daily lowest carries the price over days without changes', ({ assert }) => {
    const D = 24 * H
    const days = dailyLowest(
      [
        { at: 0, lowest: 100, median: 100, listings: 1, tickets: 1 },
        { at: D + H, lowest: 90, median: 90, listings: 1, tickets: 1 },
      ],
      0,
      3 * D
    )
    assert.deepEqual(
      days.map((day) => day.lowest),
      [100, 90, 90, 90]
    )
  })
})

test.group('priceSeries options', () => {
  test('perPlatform: false skips the per-platform lines and keeps the totals', ({ assert }) => {
    const listings = [{ id: 1, platform: 'a', priceMinor: 100, quantity: 1, available: true }]
    const series = priceSeries(listings, [], 0, 3_600_000, 3_600_000, { perPlatform: false })
    assert.deepEqual(series.platforms, { a: [] })
    assert.deepEqual(
      series.all.map((point) => point.lowest),
      [100, 100]
    )
  })
})

test.group('sampleLowest', () => {
  test('the last known lowest at the end of each step, null before the history starts', ({
    assert,
  }) => {
    const point = (at: number, lowest: number | null) => ({
      at,
      lowest,
      median: lowest,
      listings: 1,
      tickets: 1,
    })
    const samples = sampleLowest(
      [point(0, null), point(90 * 60_000, 500), point(150 * 60_000, 400)],
      0,
      4 * 3_600_000,
      3_600_000
    )
    assert.deepEqual(samples, [null, 500, 400, 400])
  })
})
