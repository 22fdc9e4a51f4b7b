import { test } from '@japa/runner'
import {
  WEBHOOK_RETRY_SCHEDULE_MS,
  nextRetryAt,
  retryDelayMs,
  shouldDisable,
} from '#notifications/retry_policy'
import { at, iso } from './helpers/preferences.js'

test.group('Notifications / webhook retries', () => {
  const exact = { random: () => 0.5 }

  test('exponential backoff over hours: 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h, then give up', ({
    assert,
  }) => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(n, exact))
    assert.deepEqual(
      delays,
      [30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000]
    )
    assert.isNull(retryDelayMs(8, exact))
    const total = WEBHOOK_RETRY_SCHEDULE_MS.reduce((sum, delay) => sum + delay, 0)
    assert.isAbove(total, 10 * 3_600_000)
    assert.equal(iso(nextRetryAt(3, at('2026-01-15T12:00:00Z'), exact)), '2026-01-15T12:10:00.000Z')
    assert.isNull(nextRetryAt(8, at('2026-01-15T12:00:00Z'), exact))
    assert.throws(() => retryDelayMs(0))
  })

  test('jitter stays within ±10 %; a longer Retry-After wins, capped at the longest step', ({
    assert,
  }) => {
    assert.equal(retryDelayMs(1, { random: () => 0 }), 27_000)
    assert.equal(retryDelayMs(1, { random: () => 1 }), 33_000)
    assert.equal(retryDelayMs(1, { ...exact, retryAfterMs: 300_000 }), 300_000)
    assert.equal(retryDelayMs(1, { ...exact, retryAfterMs: 5_000 }), 30_000)
    assert.equal(retryDelayMs(2, { ...exact, retryAfterMs: 48 * 3_600_000 }), 21_600_000)
  })

  test('an endpoint is disabled after a run of failures that lasted long enough', ({ assert }) => {
    assert.isFalse(shouldDisable(0))
    assert.isFalse(shouldDisable(23))
    assert.isTrue(shouldDisable(24))
    assert.isTrue(shouldDisable(5, { threshold: 5 }))
    const now = at('2026-01-15T12:00:00Z')
    assert.isFalse(shouldDisable(40, { failingSince: at('2026-01-15T11:00:00Z'), now }))
    assert.isTrue(shouldDisable(40, { failingSince: at('2026-01-15T05:00:00Z'), now }))
  })
})
