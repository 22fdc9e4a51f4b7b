import { test } from '@japa/runner'
import type { NormalisedListing } from '#connectors/contract'
import { diffMarket, type StoredListing } from '#monitoring/market_diff'

function listing(ref: string, priceMinor: number | null, quantity: number): NormalisedListing {
  return {
    ref,
    section: '101',
    row: 'A',
    quantity,
    splits: null,
    price: priceMinor === null ? null : { amountMinor: priceMinor, currency: 'USD' },
    priceWithFees: null,
    format: 'Eticket',
    inHand: true,
    inHandOn: null,
    notes: null,
  }
}

function stored(
  id: number,
  ref: string,
  priceMinor: number | null,
  quantity: number,
  status: 'available' | 'gone' = 'available'
): StoredListing {
  return { id, externalId: ref, priceMinor, quantity, currency: 'USD', status }
}

test.group('diffMarket', () => {
  test('an unchanged market produces no change and no write', ({ assert }) => {
    const diff = diffMarket(
      [stored(1, 'a', 5000, 4), stored(2, 'b', 7000, 2)],
      [listing('a', 5000, 4), listing('b', 7000, 2)]
    )
    assert.deepEqual(diff, { inserts: [], updates: [], gone: [], changes: [] })
  })

  test('appeared, price changed, quantity changed and gone are each recorded', ({ assert }) => {
    const diff = diffMarket(
      [stored(1, 'a', 5000, 4), stored(2, 'b', 7000, 2), stored(3, 'c', 9000, 6)],
      [listing('a', 4500, 4), listing('b', 7000, 1), listing('d', 3000, 2)]
    )
    assert.deepEqual(
      diff.changes.map((change) => [
        change.kind,
        change.externalId,
        change.oldPriceMinor,
        change.newPriceMinor,
        change.oldQuantity,
        change.newQuantity,
      ]),
      [
        ['price_changed', 'a', 5000, 4500, 4, 4],
        ['quantity_changed', 'b', 7000, 7000, 2, 1],
        ['appeared', 'd', null, 3000, null, 2],
        ['gone', 'c', 9000, null, 6, 0],
      ]
    )
    assert.deepEqual(
      diff.inserts.map((row) => row.ref),
      ['d']
    )
    assert.deepEqual(
      diff.updates.map((row) => row.id),
      [1, 2]
    )
    assert.deepEqual(diff.gone, [3])
  })

  test('a listing back after being gone appears again, in place', ({ assert }) => {
    const diff = diffMarket([stored(7, 'a', 5000, 0, 'gone')], [listing('a', 5200, 2)])
    assert.deepEqual(
      diff.changes.map((change) => change.kind),
      ['appeared']
    )
    assert.deepEqual(
      diff.updates.map((row) => row.id),
      [7]
    )
    assert.lengthOf(diff.inserts, 0)
  })

  test('a missing price stays missing and is a change from a known price', ({ assert }) => {
    const diff = diffMarket([stored(1, 'a', 5000, 2)], [listing('a', null, 2)])
    assert.equal(diff.changes[0].kind, 'price_changed')
    assert.isNull(diff.changes[0].newPriceMinor)
  })

  test('a listing the platform repeats is counted once', ({ assert }) => {
    const diff = diffMarket([], [listing('a', 100, 1), listing('a', 100, 1)])
    assert.lengthOf(diff.inserts, 1)
    assert.lengthOf(diff.changes, 1)
  })

  test('gone listings already marked gone produce nothing', ({ assert }) => {
    const diff = diffMarket([stored(1, 'a', 5000, 0, 'gone')], [])
    assert.lengthOf(diff.changes, 0)
  })
})
