import { test } from '@japa/runner'
import env from '#start/env'
import SharedRateLimiter from '#connectors/shared_rate_limiter'

test.group(
  `Platform limits shared across workers (${env.get('LIMITER_STORE', 'database')} store)`,
  () => {
    test('two workers together get one platform budget per second', async ({ assert }) => {
      const key = `test-platform-${Date.now()}`
      const workerA = new SharedRateLimiter()
      const workerB = new SharedRateLimiter()
      const limits = { requestsPerSecond: 2, requestsPerDay: null }
      const decisions = [
        await workerA.tryAcquire(key, limits),
        await workerB.tryAcquire(key, limits),
        await workerA.tryAcquire(key, limits),
      ]
      assert.deepEqual(
        decisions.map((decision) => decision.granted),
        [true, true, false]
      )
      const refused = decisions[2] as { retryAfterMs: number; reason: string }
      assert.equal(refused.reason, 'per-second')
      assert.isAbove(refused.retryAfterMs, 0)
    })

    test('a daily quota is shared and a spent platform quota stops every worker', async ({
      assert,
    }) => {
      const key = `test-quota-${Date.now()}`
      const workerA = new SharedRateLimiter()
      const workerB = new SharedRateLimiter()
      const limits = { requestsPerSecond: null, requestsPerDay: 2 }
      assert.isTrue((await workerA.tryAcquire(key, limits)).granted)
      assert.isTrue((await workerB.tryAcquire(key, limits)).granted)
      const third = await workerA.tryAcquire(key, limits)
      assert.deepInclude(third, { granted: false, reason: 'per-day' })

      const other = `test-observed-${Date.now()}`
      await workerA.observe(other, { remaining: 0, resetAt: Date.now() + 60_000 })
      const blocked = await workerB.tryAcquire(other, {
        requestsPerSecond: null,
        requestsPerDay: null,
      })
      assert.deepInclude(blocked, { granted: false, reason: 'platform-quota' })
    })

    test('another worker sees a spent platform quota within a second (its read is kept that long)', async ({
      assert,
    }) => {
      let clock = Date.now()
      const now = () => clock
      const key = `test-observed-later-${Date.now()}`
      const open = { requestsPerSecond: null, requestsPerDay: null }
      const workerA = new SharedRateLimiter({ now })
      const workerB = new SharedRateLimiter({ now })
      assert.isTrue((await workerB.tryAcquire(key, open)).granted)
      await workerA.observe(key, { remaining: 0, resetAt: clock + 60_000 })
      assert.deepInclude(await workerA.tryAcquire(key, open), {
        granted: false,
        reason: 'platform-quota',
      })
      /** B read "not spent" just now and trusts that read for up to a second… */
      clock += 500
      assert.isTrue((await workerB.tryAcquire(key, open)).granted)
      /** …then reads the store again and stops too. */
      clock += 600
      const blocked = await workerB.tryAcquire(key, open)
      assert.deepInclude(blocked, { granted: false, reason: 'platform-quota' })
      assert.isAbove((blocked as { retryAfterMs: number }).retryAfterMs, 50_000)
    })
  }
)
