import { test } from '@japa/runner'
import { comparablePrices, priceBand } from '#analytics/price_band'
import type { PastEvent } from '#analytics/days_before'

const past = (id: number, lowestAt10DaysOut: number): PastEvent => ({
  eventId: id,
  startsAt: 0,
  daily: [
    { daysBefore: 30, lowest: lowestAt10DaysOut * 3 },
    { daysBefore: 11, lowest: lowestAt10DaysOut + 500 },
    { daysBefore: 10, lowest: lowestAt10DaysOut },
    { daysBefore: 1, lowest: 1 },
  ],
})
/** Five played games whose lowest price 10 days out was 100, 110, 120, 130, 140 */
const games = [100, 110, 120, 130, 140].map((price, index) => past(index + 1, price * 100))

test.group('price band: low / typical / high for this event', () => {
  test('own history of 7+ days: middle half of its daily lowest prices', ({ assert }) => {
    const own = [8_000, 9_000, 10_000, 11_000, 12_000, 13_000, 14_000, 15_000, 16_000]
    const band = priceBand(9_500, own, { group: 'NBA', events: games }, 10)
    assert.equal(band.source, 'event')
    assert.equal(band.lowMinor, 10_000)
    assert.equal(band.highMinor, 14_000)
    assert.equal(band.verdict, 'low')
    assert.equal(band.sampleSize, 9)
    assert.equal(priceBand(12_000, own, null, 10).verdict, 'typical')
    assert.equal(priceBand(14_001, own, null, 10).verdict, 'high')
  })

  test('little own history: comparable played events about as many days out, one figure each', ({
    assert,
  }) => {
    assert.deepEqual(comparablePrices(games, 10), [10_000, 11_000, 12_000, 13_000, 14_000])
    const band = priceBand(
      15_000,
      [9_000, 9_500],
      { group: 'Boston Celtics home games', events: games },
      10
    )
    assert.equal(band.source, 'comparable')
    assert.equal(band.sampleSize, 5)
    assert.equal(band.lowMinor, 11_000)
    assert.equal(band.highMinor, 13_000)
    assert.equal(band.verdict, 'high')
    assert.include(band.text, '5 comparable played events (Boston Celtics home games)')
  })

  test('not enough data says how much there is and how much is needed', ({ assert }) => {
    const band = priceBand(10_000, [9_000], { group: 'NBA', events: games.slice(0, 4) }, 10)
    assert.equal(band.verdict, 'not_enough_data')
    assert.equal(band.sampleSize, 4)
    assert.include(band.text, '4 comparable played events')
    assert.include(band.text, '(5 needed)')
    assert.equal(priceBand(10_000, [], null, 10).verdict, 'not_enough_data')
    /** Comparables that have no price near that day are not counted */
    assert.lengthOf(comparablePrices(games, 20), 0)
  })
})
