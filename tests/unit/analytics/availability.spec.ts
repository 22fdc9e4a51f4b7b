import { test } from '@japa/runner'
import { availabilityPoints } from '#analytics/price_queries'

test.group('Availability chart', () => {
  test('starts at the first check: no false drop to 0 before anything was seen', ({ assert }) => {
    const points = [
      { at: 1, listings: 0, tickets: 0 },
      { at: 2, listings: 0, tickets: 0 },
      { at: 3, listings: 12, tickets: 40 },
      { at: 4, listings: 0, tickets: 0 },
    ]
    assert.deepEqual(availabilityPoints(points), [
      [3, 12, 40],
      [4, 0, 0],
    ])
    assert.deepEqual(availabilityPoints([{ at: 1, listings: 0, tickets: 0 }]), [])
  })
})
