import { test } from '@japa/runner'
import { comparePlatforms, sectionSpread, weeklyTrend } from '#analytics/platform_comparison'

test.group('platform comparison, section spread and weekly trend', () => {
  test('per platform: lowest, median, fees, size, and how far above the cheapest; summary-only platforms included', ({
    assert,
  }) => {
    const rows = comparePlatforms(
      [
        { platform: 'a', priceMinor: 10_000, priceWithFeesMinor: 12_000, quantity: 2 },
        { platform: 'a', priceMinor: 14_000, priceWithFeesMinor: null, quantity: 4 },
        { platform: 'b', priceMinor: 8_000, priceWithFeesMinor: null, quantity: 1 },
      ],
      [
        { platform: 'c', minPriceMinor: 12_000, listingCount: 30 },
        { platform: 'a', minPriceMinor: 1, listingCount: 1 },
      ]
    )
    assert.deepEqual(
      rows.map((row) => [
        row.platform,
        row.lowestMinor,
        row.medianMinor,
        row.lowestWithFeesMinor,
        row.listings,
        row.tickets,
        row.aboveCheapest,
        row.summaryOnly,
      ]),
      [
        ['b', 8_000, 8_000, null, 1, 1, 0, false],
        ['a', 10_000, 12_000, 12_000, 2, 6, 0.25, false],
        ['c', 12_000, null, null, 30, null, 0.5, true],
      ]
    )
  })

  test('section spread: quartiles per section, most listed sections, ordered by median', ({
    assert,
  }) => {
    const spread = sectionSpread([
      { section: '101', priceMinor: 100 },
      { section: '101', priceMinor: 200 },
      { section: '101', priceMinor: 300 },
      { section: '101', priceMinor: 400 },
      { section: 'Floor', priceMinor: 50 },
      { section: null, priceMinor: 10 },
      { section: 'X', priceMinor: null },
    ])
    assert.deepEqual(
      spread.map((row) => row.section),
      ['(no section)', 'Floor', '101']
    )
    assert.deepEqual(spread[2], {
      section: '101',
      count: 4,
      minMinor: 100,
      q1Minor: 175,
      medianMinor: 250,
      q3Minor: 325,
      maxMinor: 400,
    })
  })

  test('weekly trend: Monday-based weeks, median per group', ({ assert }) => {
    const trend = weeklyTrend([
      { group: 'NBA', at: Date.parse('2026-11-16T10:00:00Z'), priceMinor: 100 },
      { group: 'NBA', at: Date.parse('2026-11-22T23:00:00Z'), priceMinor: 300 },
      { group: 'NBA', at: Date.parse('2026-11-23T00:00:00Z'), priceMinor: 50 },
    ])
    assert.deepEqual(trend, [
      {
        group: 'NBA',
        points: [
          { week: '2026-11-16', medianMinor: 200, observations: 2 },
          { week: '2026-11-23', medianMinor: 50, observations: 1 },
        ],
      },
    ])
  })
})
