import { test } from '@japa/runner'
import { mulberry32 } from '#sandbox/random'

test.group('mulberry32', () => {
  test('is deterministic per seed and stays in [0, 1)', ({ assert }) => {
    const a = mulberry32(123)
    const b = mulberry32(123)
    const c = mulberry32(124)
    const drawsA = Array.from({ length: 1000 }, () => a())
    assert.deepEqual(
      drawsA,
      Array.from({ length: 1000 }, () => b())
    )
    assert.notDeepEqual(
      drawsA.slice(0, 10),
      Array.from({ length: 10 }, () => c())
    )
    assert.isTrue(drawsA.every((x) => x >= 0 && x < 1))
    const mean = drawsA.reduce((sum, x) => sum + x, 0) / drawsA.length
    assert.closeTo(mean, 0.5, 0.05)
  })

  test('seed 7 twice: the same draws; seed 8: others', ({ assert }) => {
    const a = mulberry32(7)
    const b = mulberry32(7)
    const xs = Array.from({ length: 1000 }, () => a())
    assert.deepEqual(
      xs,
      Array.from({ length: 1000 }, () => b())
    )
    assert.isTrue(xs.every((x) => x >= 0 && x < 1))
    assert.notDeepEqual(xs.slice(0, 10), Array.from({ length: 10 }, mulberry32(8)))
  })
})
