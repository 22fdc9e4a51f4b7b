import { test } from '@japa/runner'
import { Schedule } from '@adonisjs/queue'
import env from '#start/env'
import { MonitorRuntime } from '#monitoring/runtime'
import { ensureSchedules, scheduleIds } from '#monitoring/schedules'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The lease in the pass's lock store — the database's `locks` table where the
 * pass keeps locks in memory (one process only: no lease to share, and
 * @verrou's memory store hands an expired lock over without its owner).
 */
const configured = env.get('LOCK_STORE', 'database')
const lockStore = configured === 'memory' ? 'database' : configured

/** The lease alone: no dispatch, sweep, rescale or schedules in the suite's database. */
const leaseOnly = (holder: string) =>
  new MonitorRuntime({
    holder,
    lockStore,
    lease: { ttlMs: 1_500, renewMs: 300, acquireMs: 100 },
    skip: ['dispatch', 'sweep', 'rescale', 'schedules'],
  })

test.group('Monitoring runtime: one dispatcher at a time (lock store lease)', () => {
  test('the first runtime takes the lease, the second stands by; a stop hands it over', async ({
    assert,
    cleanup,
  }) => {
    const first = leaseOnly('first')
    const second = leaseOnly('second')
    cleanup(async () => {
      await first.stop()
      await second.stop()
    })
    await first.tick()
    await second.tick()
    assert.isTrue(first.isLeader)
    assert.isFalse(second.isLeader)

    /** Renewals keep it with the first. */
    for (let round = 0; round < 4; round++) {
      await sleep(400)
      await first.tick()
      await second.tick()
    }
    assert.isTrue(first.isLeader)
    assert.isFalse(second.isLeader)

    await first.stop()
    await sleep(150)
    await second.tick()
    assert.isTrue(second.isLeader, 'a released lease is taken at the next try')
    assert.isFalse(first.isLeader)
  })

  test('a holder that dies (stops renewing) is replaced once its lease runs out, not before', async ({
    assert,
    cleanup,
  }) => {
    const dead = leaseOnly('dead')
    const standby = leaseOnly('standby')
    cleanup(async () => {
      await standby.stop()
      await dead.stop()
    })
    await dead.tick()
    assert.isTrue(dead.isLeader)
    const diedAt = Date.now()
    let tookOverAt: number | null = null
    while (Date.now() - diedAt < 4_000) {
      await standby.tick()
      if (standby.isLeader) {
        tookOverAt = Date.now()
        break
      }
      await sleep(100)
    }
    assert.isNotNull(tookOverAt, 'the standby took the lease')
    assert.isAtLeast(tookOverAt! - diedAt, 1_000, 'not while the lease still ran')
    assert.isAtMost(tookOverAt! - diedAt, 2_500)
    /** The old holder, back, finds it no longer owns the lease and stands by. */
    await sleep(400)
    await dead.tick()
    assert.isFalse(dead.isLeader)
    assert.equal(dead.stats.leasesLost, 1)
  })
})

test.group('Monitoring runtime: recurring schedules', (group) => {
  const removeAll = async () => {
    for (const id of await scheduleIds()) await (await Schedule.find(id))?.delete()
  }
  group.each.setup(async () => {
    await removeAll()
    return removeAll
  })

  test('every schedule is declared when missing, and only the missing ones', async ({ assert }) => {
    const ids = await scheduleIds()
    assert.sameMembers(await ensureSchedules(), ids)
    assert.deepEqual(await ensureSchedules(), [], 'nothing missing: nothing declared again')

    /** One lost (a Redis restarted empty loses them all the same way). */
    await (await Schedule.find('notification-sweep'))!.delete()
    assert.deepEqual(await ensureSchedules(), ['notification-sweep'])
    for (const id of ids) assert.isNotNull(await Schedule.find(id), id)
  })
})
