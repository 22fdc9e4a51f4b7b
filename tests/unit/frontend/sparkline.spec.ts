import { test } from '@japa/runner'
import { sparkline } from '../../../inertia/components/charts/sparkline.js'

test.group('Front end: the dashboard sparkline', () => {
  test('draws the known samples across the width, lowest at the bottom, and says the direction', ({
    assert,
  }) => {
    assert.deepEqual(sparkline([null, 9_000, null, 7_500]), {
      path: 'M32.7,2 L94,22',
      trend: -1,
    })
    assert.equal(sparkline([5_000, 6_000])!.trend, 1)
    assert.equal(sparkline([5_000, 6_000, 5_000])!.trend, 0)
    /** A flat line lies along the bottom (no division by zero) */
    assert.equal(sparkline([4_000, 4_000])!.path, 'M2,22 L94,22')
  })

  test('fewer than two known samples draw nothing', ({ assert }) => {
    assert.isNull(sparkline([]))
    assert.isNull(sparkline([null, 7_000, null]))
  })
})
