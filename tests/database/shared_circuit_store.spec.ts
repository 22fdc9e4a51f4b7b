import { test } from '@japa/runner'
import env from '#start/env'
import SharedCircuitStore from '#connectors/shared_circuit_store'
import { CircuitBreaker } from '#connectors/transport/circuit_breaker'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The configured store (memory or Redis in the test passes) and the database one, on this pass's database. */
const stores = [...new Set([env.get('LIMITER_STORE', 'database'), 'database' as const])]

for (const storeName of stores)
  test.group(`Platform circuits shared across workers (${storeName} store)`, () => {
    /** Two workers: each its own breaker, one store between them (as two processes share LIMITER_STORE). */
    function workers() {
      const options = {
        windowMs: 60_000,
        minimumRequests: 4,
        failureRate: 0.5,
        cooldownMs: 1_000,
        syncMs: 0,
      }
      return [
        new CircuitBreaker({ ...options, store: new SharedCircuitStore({ store: storeName }) }),
        new CircuitBreaker({ ...options, store: new SharedCircuitStore({ store: storeName }) }),
      ]
    }

    test("one worker's failures and another's open the platform for both; one probe closes it", async ({
      assert,
      cleanup,
    }) => {
      const platform = `test-platform-${Date.now()}`
      const [a, b] = workers()
      cleanup(() => a.reset(platform))
      a.recordSuccess(platform)
      a.recordFailure(platform)
      assert.isTrue((await a.check(platform)).allowed, '1 of 2 failed, below the minimum calls')
      b.recordFailure(platform)
      b.recordFailure(platform)
      const refused = await b.check(platform)
      assert.isFalse(refused.allowed, '3 of 4 failed across both workers')
      assert.isAbove((refused as { retryAfterMs: number }).retryAfterMs, 0)
      assert.isFalse((await a.check(platform)).allowed)
      assert.equal((await a.status(platform)).state, 'open')

      await sleep(1_100)
      const probes = await Promise.all([a.check(platform), b.check(platform)])
      assert.sameMembers(
        probes.map((decision) => decision.allowed),
        [true, false],
        'one probe between the two workers'
      )
      const prober = probes[0].allowed ? a : b
      assert.equal((await prober.status(platform)).state, 'half-open')
      prober.recordSuccess(platform)
      await prober.flush()
      assert.isTrue((await a.check(platform)).allowed)
      assert.isTrue((await b.check(platform)).allowed)
      assert.deepEqual(await a.status(platform), {
        state: 'closed',
        retryAfterMs: null,
        window: { attempts: 0, failures: 0 },
      })
    }).timeout(15_000)

    test('calls and failures of the window are summed over both workers', async ({
      assert,
      cleanup,
    }) => {
      const platform = `test-window-${Date.now()}`
      const [a, b] = workers()
      cleanup(() => a.reset(platform))
      a.recordSuccess(platform)
      a.recordSuccess(platform)
      b.recordSuccess(platform)
      b.recordFailure(platform)
      await Promise.all([a.flush(), b.flush()])
      const { state, window } = await a.status(platform)
      assert.equal(state, 'closed')
      assert.equal(window.failures, 1)
      assert.isAtLeast(window.attempts, 4)
    })
  })
