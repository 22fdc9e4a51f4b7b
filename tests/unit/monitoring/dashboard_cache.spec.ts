import { test } from '@japa/runner'
import {
  dashboardCacheLimits,
  dashboardVersions,
  PURCHASES_CHANNEL,
} from '#monitoring/dashboard_cache'

/** A panel maker that counts how often it ran and depends on the given events. */
function maker(eventIds: number[]) {
  let runs = 0
  return {
    make: async () => ({ value: { run: ++runs }, eventIds }),
    get runs() {
      return runs
    },
  }
}

test.group('Dashboard cache: versions', (group) => {
  group.each.setup(() => {
    dashboardVersions.clear()
    const maxAgeMs = dashboardCacheLimits.maxAgeMs
    return () => {
      dashboardCacheLimits.maxAgeMs = maxAgeMs
      dashboardVersions.clear()
    }
  })

  test('an entry is reused while nothing it shows changed', async ({ assert }) => {
    const panels = maker([1, 2])
    const first = await dashboardVersions.reuse('7:own', 7, panels.make)
    const second = await dashboardVersions.reuse('7:own', 7, panels.make)
    assert.strictEqual(second, first)
    assert.equal(panels.runs, 1)
  })

  test("a market change of a watched event, or of the user's own, makes it again", async ({
    assert,
  }) => {
    const panels = maker([1, 2])
    await dashboardVersions.reuse('7:own', 7, panels.make)
    dashboardVersions.heard('events/3', { kind: 'market' })
    dashboardVersions.heard('users/8', { kind: 'alert' })
    await dashboardVersions.reuse('7:own', 7, panels.make)
    assert.equal(panels.runs, 1, "another event's and another user's messages change nothing")

    dashboardVersions.heard('events/2', { kind: 'market' })
    assert.deepEqual(await dashboardVersions.reuse('7:own', 7, panels.make), { run: 2 })
    dashboardVersions.heard('users/7', { kind: 'watch_rules' })
    assert.deepEqual(await dashboardVersions.reuse('7:own', 7, panels.make), { run: 3 })
    dashboardVersions.heard(PURCHASES_CHANNEL, { kind: 'purchases' })
    assert.deepEqual(await dashboardVersions.reuse('7:own', 7, panels.make), { run: 4 })
  })

  test('a change that lands while the panels are being read leaves that entry stale', async ({
    assert,
  }) => {
    let runs = 0
    const make = async () => {
      runs++
      if (runs === 1) dashboardVersions.eventChanged(1)
      return { value: { run: runs }, eventIds: [1] }
    }
    await dashboardVersions.reuse('7:own', 7, make)
    assert.deepEqual(await dashboardVersions.reuse('7:own', 7, make), { run: 2 })
    assert.deepEqual(await dashboardVersions.reuse('7:own', 7, make), { run: 2 })
  })

  test('an entry ages out after maxAgeMs, and malformed channels are ignored', async ({
    assert,
  }) => {
    const panels = maker([1])
    const start = Date.now()
    await dashboardVersions.reuse('7:own', 7, panels.make, start)
    dashboardVersions.heard('events/not-a-number', null)
    dashboardVersions.heard(42, null)
    dashboardVersions.heard('nothing', null)
    await dashboardVersions.reuse(
      '7:own',
      7,
      panels.make,
      start + dashboardCacheLimits.maxAgeMs - 1
    )
    assert.equal(panels.runs, 1)
    await dashboardVersions.reuse('7:own', 7, panels.make, start + dashboardCacheLimits.maxAgeMs)
    assert.equal(panels.runs, 2)
  })

  test("another process's messages count too, as they arrive on Transmit's Redis channel", async ({
    assert,
  }) => {
    const panels = maker([5])
    await dashboardVersions.reuse('7:own', 7, panels.make)
    /** What @boringnode/bus's JSON encoder publishes for transmit.broadcast('events/5', …) */
    const onBus = (channel: string) =>
      JSON.stringify({
        busId: 'another-process',
        payload: { type: 1, channel, payload: { kind: 'market' } },
      })
    dashboardVersions.heardOnBus('not json')
    dashboardVersions.heardOnBus(onBus('events/6'))
    await dashboardVersions.reuse('7:own', 7, panels.make)
    assert.equal(panels.runs, 1)
    dashboardVersions.heardOnBus(onBus('events/5'))
    await dashboardVersions.reuse('7:own', 7, panels.make)
    assert.equal(panels.runs, 2)
  })
})
