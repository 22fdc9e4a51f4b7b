import { test } from '@japa/runner'
import { dealScore, labelFor } from '#analytics/deal_score'

const listing = (id: number, section: string | null, priceMinor: number | null) => ({
  id,
  section,
  priceMinor,
})

test.group('dealScore', () => {
  test('compares with the same section and with the event history, and shows the comparables used', ({
    assert,
  }) => {
    const market = [
      listing(1, '101', 9_000),
      listing(2, '101', 10_000),
      listing(3, '101 ', 11_000),
      listing(4, '101', 12_000),
      listing(5, '300', 2_000),
    ]
    const result = dealScore(listing(1, '101', 9_000), market, [10_000, 9_500, 12_000, 8_000])
    assert.equal(result.comparables.scope, 'section')
    assert.equal(result.comparables.count, 3)
    assert.equal(result.comparables.medianMinor, 11_000)
    assert.equal(result.comparables.shareAbove, 1)
    assert.deepEqual(
      result.comparables.sample.map((row) => row.id),
      [2, 3, 4]
    )
    /** History: 10,000, 9,500 and 12,000 are above 9,000; 8,000 is not → 0.75. */
    assert.equal(result.history.shareAbove, 0.75)
    assert.equal(result.score, Math.round(0.6 * 100 + 0.4 * 75))
    assert.equal(result.label, 'great')
    assert.match(
      result.explanation[0],
      /18 % below the median 110\.00 of 3 other listings in section 101/
    )
    assert.match(result.explanation[1], /4 days of history/)
  })

  test('falls back to the whole event when the section has too few listings, and says so', ({
    assert,
  }) => {
    const market = [listing(2, 'A', 5_000), listing(3, 'B', 6_000), listing(4, 'C', 7_000)]
    const result = dealScore(listing(9, 'Z', 8_000), market, [])
    assert.equal(result.comparables.scope, 'event')
    assert.equal(result.comparables.shareAbove, 0)
    assert.equal(result.score, 0)
    assert.equal(result.label, 'poor')
    assert.match(result.explanation[0], /fewer than 3 in section Z/)
    assert.match(result.explanation[1], /no comparison with the past/)
  })

  test('ties count half; without comparables or history the score is unknown, never invented', ({
    assert,
  }) => {
    const tie = dealScore(
      listing(1, 'A', 100),
      [listing(2, 'A', 100), listing(3, 'A', 100), listing(4, 'A', 100)],
      []
    )
    assert.equal(tie.score, 50)
    const none = dealScore(listing(1, 'A', 100), [listing(2, 'A', 90)], [100])
    assert.isNull(none.score)
    assert.equal(none.label, 'unknown')
    assert.isNull(dealScore(listing(1, 'A', null), [], []).score)
  })

  test('labels by score band', ({ assert }) => {
    assert.deepEqual(
      [labelFor(80), labelFor(60), labelFor(40), labelFor(39), labelFor(null)],
      ['great', 'good', 'fair', 'poor', 'unknown']
    )
  })
})
