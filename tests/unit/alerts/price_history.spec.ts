import { test } from '@japa/runner'
import PriceHistory from '#alerts/price_history'

test.group('PriceHistory', () => {
  const day = 86_400_000
  test('lowest price within the last N days', ({ assert }) => {
    const history = new PriceHistory([
      { at: 0, price: 500 },
      { at: 5 * day, price: 900 },
      { at: 9 * day, price: 700 },
    ])
    assert.equal(history.lowestInDays(7, 10 * day), 700)
    assert.equal(history.lowestInDays(30, 10 * day), 500)
    assert.isNull(new PriceHistory().lowestInDays(7, day))
  })

  test('rank: share of prices strictly below, also as points are added', ({ assert }) => {
    const history = new PriceHistory()
    assert.isNull(history.rankOf(100))
    for (const price of [300, 100, 200, 400]) history.add(0, price)
    assert.equal(history.rankOf(100), 0)
    assert.equal(history.rankOf(250), 0.5)
    assert.equal(history.rankOf(1000), 1)
  })
})
