import { test } from '@japa/runner'
import { marketHash } from '#monitoring/market_hash'
import { normalisedEvent, normalisedListing, snapshot } from '#tests/helpers/market'

test.group('marketHash', () => {
  const event = normalisedEvent()

  test('the same market in another order has the same fingerprint', ({ assert }) => {
    const a = snapshot(event, [normalisedListing('1', 100, 2), normalisedListing('2', 200, 4)])
    const b = snapshot(event, [normalisedListing('2', 200, 4), normalisedListing('1', 100, 2)])
    assert.equal(marketHash(a), marketHash(b))
  })

  test('a price, a quantity, a listing or the status changes the fingerprint', ({ assert }) => {
    const base = marketHash(snapshot(event, [normalisedListing('1', 100, 2)]))
    assert.notEqual(marketHash(snapshot(event, [normalisedListing('1', 101, 2)])), base)
    assert.notEqual(marketHash(snapshot(event, [normalisedListing('1', 100, 3)])), base)
    assert.notEqual(
      marketHash(snapshot(event, [normalisedListing('1', 100, 2), normalisedListing('2', 100, 2)])),
      base
    )
    assert.notEqual(
      marketHash(snapshot({ ...event, status: 'postponed' }, [normalisedListing('1', 100, 2)])),
      base
    )
  })

  test('no listings and an empty list are different markets', ({ assert }) => {
    assert.notEqual(marketHash(snapshot(event, null)), marketHash(snapshot(event, [])))
  })
})
