import { test } from '@japa/runner'
import { DEFAULT_SIMULATION, generateWorld, simulateScheduling } from '#bench/scheduler_simulation'

const SMALL = { events: 300, quota: 1, durationS: 3600, warmupS: 3600 }

test.group('scheduler simulation', () => {
  test('the same seed gives the same result; another seed another world', ({ assert }) => {
    const first = simulateScheduling({ ...SMALL, seed: 5 })
    const second = simulateScheduling({ ...SMALL, seed: 5 })
    assert.deepEqual(first, second)
    assert.notEqual(simulateScheduling({ ...SMALL, seed: 6 }).changes, first.changes)
  })

  test('the world is skewed: few VIPs, many low-importance events, changes in time order', ({
    assert,
  }) => {
    const world = generateWorld({ ...DEFAULT_SIMULATION, events: 5000 })
    const share = (level: number) =>
      world.filter((event) => event.importance === level).length / world.length
    assert.isAbove(share(1), 0.35)
    assert.isBelow(share(5), 0.06)
    assert.isAbove(share(5), 0)
    for (const event of world) {
      for (let i = 1; i < event.changes.length; i++)
        assert.isAtLeast(event.changes[i], event.changes[i - 1])
    }
  })

  test('both policies face the same changes and the planner never checks more than round-robin', ({
    assert,
  }) => {
    const result = simulateScheduling(SMALL)
    assert.isAbove(result.changes, 0)
    assert.isAtMost(result.planner.checks, result.roundRobin.checks)
    /** round-robin spends its whole quota: 1 req/s over the measured hour */
    assert.equal(result.roundRobin.checks, 3600)
    assert.isAtMost(result.planner.unseenAtEnd, result.changes)
    assert.isAtMost(result.roundRobin.unseenAtEnd, result.changes)
  })

  test('at the default size the planner’s importance-weighted staleness is at least 2× lower', ({
    assert,
  }) => {
    const result = simulateScheduling()
    assert.deepEqual(result.options, DEFAULT_SIMULATION)
    assert.isAbove(result.planner.staleness, 0)
    assert.closeTo(result.ratio, result.roundRobin.staleness / result.planner.staleness, 1e-9)
    assert.isAtLeast(result.ratio, 2)
    /** and the VIPs are the freshest under the planner, not under round-robin */
    assert.isBelow(
      result.planner.stalenessByImportance[5]!,
      result.roundRobin.stalenessByImportance[5]!
    )
  })

  test('rejects sizes that cannot run', ({ assert }) => {
    assert.throws(() => simulateScheduling({ events: 0 }), /events must be a positive number/)
    assert.throws(() => simulateScheduling({ quota: -1 }), /quota must be a positive number/)
    assert.throws(() => simulateScheduling({ warmupS: Number.NaN }), /warmupS must be zero or more/)
  })
})
