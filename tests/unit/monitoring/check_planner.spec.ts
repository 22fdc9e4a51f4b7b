import { test } from '@japa/runner'
import {
  allowanceOf,
  FAILURE_FLOOR_MS,
  intervalFor,
  MAX_INTERVAL_MS,
  MIN_INTERVAL_MS,
  planDueChecks,
  priorityOf,
  quotaScale,
  volatilityFactor,
  type DueCandidate,
  type EventStatus,
  type PlanInput,
  type PlatformQuota,
} from '#monitoring/check_planner'
import { mulberry32 } from '#sandbox/random'

const NOW = new Date('2025-06-01T12:00:00Z')
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

function at(offsetMs: number) {
  return new Date(NOW.getTime() + offsetMs)
}

function pair(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    importance: 3,
    watchers: 1,
    startsAt: at(2 * DAY),
    onsaleAt: at(-30 * DAY),
    status: 'onsale',
    volatility: 1 / 3,
    consecutiveFailures: 0,
    ...overrides,
  }
}

function interval(overrides: Partial<PlanInput> = {}, now = NOW, scale = 1): number {
  const planned = intervalFor(pair(overrides), now, scale)
  if (planned.intervalMs === null)
    throw new Error(`expected an interval, got null (${planned.reason})`)
  return planned.intervalMs
}

test.group('intervalFor: adapts to the event', () => {
  test('higher importance never lengthens the interval, all else equal', ({ assert }) => {
    for (const base of [
      pair(),
      pair({ watchers: 0, startsAt: at(20 * DAY), volatility: 0 }),
      pair({ startsAt: at(2 * HOUR), volatility: 0.9 }),
    ]) {
      const intervals = [1, 2, 3, 4, 5].map((importance) => interval({ ...base, importance }))
      for (let i = 1; i < intervals.length; i++) assert.isAtMost(intervals[i], intervals[i - 1])
      assert.isBelow(intervals[4], intervals[0])
    }
  })

  test('more watchers never lengthen the interval, and an unwatched event waits longer', ({
    assert,
  }) => {
    const intervals = [0, 1, 2, 3, 4, 8, 50].map((watchers) => interval({ watchers }))
    for (let i = 1; i < intervals.length; i++) assert.isAtMost(intervals[i], intervals[i - 1])
    assert.isAbove(intervals[0], intervals[1])
    assert.isAbove(intervals[1], intervals[4])
  })

  test('the closer the start, the shorter the interval', ({ assert }) => {
    const offsets = [60 * DAY, 20 * DAY, 7 * DAY, 2 * DAY, DAY, 6 * HOUR, 2 * HOUR, 30 * MINUTE]
    const intervals = offsets.map((offset) => interval({ startsAt: at(offset) }))
    for (let i = 1; i < intervals.length; i++) assert.isAtMost(intervals[i], intervals[i - 1])
    assert.isBelow(intervals.at(-1)!, intervals[0] / 3)
  })

  test('a more volatile market is checked at least as often', ({ assert }) => {
    const intervals = [0, 0.05, 0.1, 0.2, 1 / 3, 0.5, 0.8, 0.95, 1].map((volatility) =>
      interval({ volatility })
    )
    for (let i = 1; i < intervals.length; i++) assert.isAtMost(intervals[i], intervals[i - 1])
    assert.isAbove(intervals[0], intervals[4] * 4)
    assert.isBelow(intervals.at(-1)!, intervals[4] / 4)
  })

  test('volatility settles markets on the square-root rule', ({ assert }) => {
    assert.closeTo(volatilityFactor(1 / 3), 1, 1e-9)
    /** a market changing at rate λ checked every T: share = 1 − e^(−λT); factor × λT is constant */
    for (const lambdaT of [0.2, 0.5, 1, 2]) {
      assert.closeTo(volatilityFactor(1 - Math.exp(-lambdaT)) * lambdaT, Math.log(1.5), 1e-9)
    }
    assert.equal(volatilityFactor(0), 8)
    assert.equal(volatilityFactor(1), volatilityFactor(0.95))
  })

  test('an offsale or postponed event is checked less often than one on sale', ({ assert }) => {
    assert.isAbove(interval({ status: 'offsale' }), interval({ status: 'onsale' }))
    assert.isAbove(interval({ status: 'postponed' }), interval({ status: 'scheduled' }))
  })

  test('the reason names what drove the interval', ({ assert }) => {
    const { reason } = intervalFor(
      pair({ importance: 5, watchers: 0, volatility: 0.9, onsaleAt: at(-10 * MINUTE) }),
      NOW
    )
    assert.include(reason, 'importance 5')
    assert.include(reason, 'unwatched')
    assert.include(reason, 'volatile market')
    assert.include(reason, 'on sale since 10 min')
    assert.equal(intervalFor(pair(), NOW).reason, 'starts in 2 d')
    assert.equal(intervalFor(pair({ startsAt: at(5 * HOUR) }), NOW).reason, 'starts in 5 h')
  })
})

test.group('intervalFor: when to stop', () => {
  test('an event that started more than 3 hours ago is no longer checked', ({ assert }) => {
    assert.deepEqual(intervalFor(pair({ startsAt: at(-3 * HOUR - 1) }), NOW), {
      intervalMs: null,
      reason: 'event passed',
    })
    assert.isNotNull(intervalFor(pair({ startsAt: at(-2 * HOUR) }), NOW).intervalMs)
    assert.isNotNull(intervalFor(pair({ startsAt: at(-3 * HOUR) }), NOW).intervalMs)
  })

  test('an ended or cancelled event is no longer checked, whatever else is true', ({ assert }) => {
    for (const status of ['ended', 'cancelled'] as EventStatus[]) {
      const planned = intervalFor(
        pair({ status, importance: 5, watchers: 10, startsAt: at(HOUR), volatility: 1 }),
        NOW
      )
      assert.isNull(planned.intervalMs)
      assert.include(planned.reason, status)
    }
  })

  test('an event without a start date keeps being checked, less often', ({ assert }) => {
    assert.isAbove(interval({ startsAt: null }), interval({ startsAt: at(DAY) }))
  })
})

test.group('intervalFor: bounds, on-sale window and failures', () => {
  test('the calmest, least important, farthest event waits at most 6 hours', ({ assert }) => {
    assert.equal(
      interval({
        importance: 1,
        watchers: 0,
        startsAt: at(90 * DAY),
        status: 'offsale',
        volatility: 0,
      }),
      MAX_INTERVAL_MS
    )
  })

  test('the most urgent event waits at least 5 seconds', ({ assert }) => {
    assert.equal(
      interval({
        importance: 5,
        watchers: 20,
        startsAt: at(HOUR),
        onsaleAt: at(-MINUTE),
        volatility: 1,
      }),
      MIN_INTERVAL_MS
    )
  })

  test('any input gives null or an interval within the bounds', ({ assert }) => {
    const random = mulberry32(7)
    const statuses: EventStatus[] = [
      'scheduled',
      'onsale',
      'offsale',
      'cancelled',
      'postponed',
      'rescheduled',
      'ended',
    ]
    const maybe = (offset: number) => (random() < 0.1 ? null : at(offset))
    for (let i = 0; i < 2000; i++) {
      const input: PlanInput = {
        importance: Math.floor(random() * 7) - 1,
        watchers: Math.floor(random() * 30),
        startsAt: maybe((random() - 0.1) * 60 * DAY),
        onsaleAt: maybe((random() - 0.5) * 4 * HOUR),
        status: statuses[Math.floor(random() * statuses.length)],
        volatility: random() * 1.2 - 0.1,
        consecutiveFailures: random() < 0.8 ? 0 : Math.floor(random() * 20),
      }
      const { intervalMs } = intervalFor(input, NOW, random() < 0.5 ? 1 : random() * 10)
      if (intervalMs === null) continue
      assert.isTrue(Number.isInteger(intervalMs))
      assert.isAtLeast(intervalMs, MIN_INTERVAL_MS)
      assert.isAtMost(intervalMs, MAX_INTERVAL_MS)
    }
  })

  test('in the hour after the on-sale moment the interval is very short', ({ assert }) => {
    const long = interval({ onsaleAt: at(-30 * DAY) })
    const justOnSale = interval({ onsaleAt: at(-5 * MINUTE) })
    assert.isAtMost(justOnSale, long / 10)
    assert.equal(interval({ onsaleAt: at(-2 * HOUR) }), long)
  })

  test('before the on-sale moment the next check is never later than the moment', ({ assert }) => {
    for (const offset of [20 * MINUTE, 50 * MINUTE, 2 * HOUR, 5 * HOUR]) {
      assert.isAtMost(
        interval({
          importance: 1,
          watchers: 0,
          startsAt: at(40 * DAY),
          onsaleAt: at(offset),
          status: 'scheduled',
        }),
        offset
      )
    }
    /** in the last hour before it, shorter than the same event further from it */
    const inWindow = interval({ onsaleAt: at(50 * MINUTE), status: 'scheduled' })
    const beforeWindow = interval({ onsaleAt: at(3 * HOUR), status: 'scheduled' })
    assert.isBelow(inWindow, beforeWindow)
    /** and never below the floor, even a second before it */
    assert.equal(interval({ onsaleAt: at(1000), status: 'scheduled' }), MIN_INTERVAL_MS)
  })

  test('failures back off, never faster than the failure floor, never past 6 hours', ({
    assert,
  }) => {
    const base = pair({ importance: 5, watchers: 10, startsAt: at(HOUR), volatility: 1 })
    const intervals = [0, 1, 2, 3, 5, 8, 12, 50].map((consecutiveFailures) =>
      interval({ ...base, consecutiveFailures })
    )
    for (let i = 1; i < intervals.length; i++) assert.isAtLeast(intervals[i], intervals[i - 1])
    assert.isAtLeast(intervals[1], FAILURE_FLOOR_MS)
    assert.isAtLeast(intervals[2], 2 * FAILURE_FLOOR_MS)
    /** doubling stops after 10 failures: about 4 h 16 min for this pair */
    assert.equal(intervals.at(-1), intervals.at(-2))
    assert.isAtLeast(intervals.at(-1)!, 4 * HOUR)
    assert.equal(interval({ importance: 1, watchers: 0, consecutiveFailures: 12 }), MAX_INTERVAL_MS)
    assert.include(
      intervalFor({ ...base, consecutiveFailures: 2 }, NOW).reason,
      '2 failures, backing off'
    )
  })

  test('a calm pair doubles its interval per failure', ({ assert }) => {
    const calm = interval()
    assert.closeTo(interval({ consecutiveFailures: 1 }), 2 * calm, 1)
    assert.closeTo(interval({ consecutiveFailures: 3 }), Math.min(MAX_INTERVAL_MS, 8 * calm), 8)
  })
})

test.group('quotaScale', () => {
  test('stretches intervals when the pairs ask for more than the quota, shrinks them when less', ({
    assert,
  }) => {
    assert.equal(quotaScale(10, 5), 2)
    assert.equal(quotaScale(2, 4), 0.5)
    assert.equal(quotaScale(0, 4), 1)
    assert.equal(quotaScale(10, 0), 64)
    assert.equal(quotaScale(1e9, 1), 64)
    assert.equal(quotaScale(1e-9, 1), 1 / 64)
  })

  test('a scale multiplies the interval before the bounds', ({ assert }) => {
    const base = interval()
    assert.closeTo(interval({}, NOW, 2), 2 * base, 1)
    assert.closeTo(interval({}, NOW, 0.5), base / 2, 1)
    assert.equal(
      interval({ importance: 1, watchers: 0, startsAt: at(90 * DAY), volatility: 0 }, NOW, 10),
      MAX_INTERVAL_MS
    )
    assert.include(intervalFor(pair(), NOW, 2).reason, 'quota scale ×2.00')
  })
})

test.group('priorityOf', () => {
  test('a just-due VIP goes before a just-due low-importance pair', ({ assert }) => {
    const vip = priorityOf({ importance: 5, nextCheckAt: NOW, intervalMs: MINUTE }, NOW)
    const low = priorityOf({ importance: 1, nextCheckAt: NOW, intervalMs: MINUTE }, NOW)
    assert.isAbove(vip, low)
  })

  test('priority grows with lateness relative to the interval', ({ assert }) => {
    const scores = [0, 1, 10, 60, 600].map((lateS) =>
      priorityOf({ importance: 3, nextCheckAt: at(-lateS * 1000), intervalMs: MINUTE }, NOW)
    )
    for (let i = 1; i < scores.length; i++) assert.isAbove(scores[i], scores[i - 1])
    /** the same lateness weighs more on a short interval */
    assert.isAbove(
      priorityOf({ importance: 3, nextCheckAt: at(-MINUTE), intervalMs: MINUTE }, NOW),
      priorityOf({ importance: 3, nextCheckAt: at(-MINUTE), intervalMs: HOUR }, NOW)
    )
  })

  test('a low-importance pair that waited long enough overtakes a just-due VIP: nothing starves', ({
    assert,
  }) => {
    const vip = priorityOf({ importance: 5, nextCheckAt: NOW, intervalMs: MINUTE }, NOW)
    const waited = priorityOf(
      { importance: 1, nextCheckAt: at(-5 * MINUTE), intervalMs: MINUTE },
      NOW
    )
    assert.isAbove(waited, vip)
  })

  test('a pair not yet due scores its weight alone', ({ assert }) => {
    assert.equal(priorityOf({ importance: 4, nextCheckAt: at(MINUTE), intervalMs: MINUTE }, NOW), 4)
    assert.equal(priorityOf({ importance: 9, nextCheckAt: NOW }, NOW), 5)
  })
})

interface Row extends DueCandidate {
  tag?: string
}

function candidate(sourceId: number, platform: string, lateMs: number, priority: number): Row {
  return { sourceId, platform, nextCheckAt: at(-lateMs), priority }
}

test.group('planDueChecks', () => {
  test('the most urgent due pairs go first, within the window quota', ({ assert }) => {
    const chosen = planDueChecks(
      [
        candidate(1, 'tm', 0, 1),
        candidate(2, 'tm', 0, 9),
        candidate(3, 'tm', 0, 5),
        candidate(4, 'tm', 0, 7),
      ],
      { tm: { perSecond: 3, remainingToday: null } },
      NOW,
      1000
    )
    assert.deepEqual(
      chosen.map((c) => c.sourceId),
      [2, 4, 3]
    )
  })

  test('pairs not yet due are left alone, however urgent', ({ assert }) => {
    const chosen = planDueChecks(
      [candidate(1, 'tm', -1, 100), candidate(2, 'tm', 0, 1), candidate(3, 'tm', 1000, 2)],
      { tm: { perSecond: 10, remainingToday: null } },
      NOW,
      1000
    )
    assert.deepEqual(
      chosen.map((c) => c.sourceId),
      [3, 2]
    )
  })

  test('equal priorities go longest-due first, then by id', ({ assert }) => {
    const chosen = planDueChecks(
      [candidate(5, 'tm', 10, 2), candidate(3, 'tm', 10, 2), candidate(9, 'tm', 500, 2)],
      { tm: { perSecond: 10, remainingToday: null } },
      NOW,
      1000
    )
    assert.deepEqual(
      chosen.map((c) => c.sourceId),
      [9, 3, 5]
    )
  })

  test('never more than the daily quota left; nothing for a platform without a quota', ({
    assert,
  }) => {
    const candidates = Array.from({ length: 20 }, (_, i) => candidate(i, i % 2 ? 'sg' : 'tm', i, i))
    const chosen = planDueChecks(
      candidates,
      { tm: { perSecond: 100, remainingToday: 3 } },
      NOW,
      1000
    )
    assert.lengthOf(chosen, 3)
    assert.isTrue(chosen.every((c) => c.platform === 'tm'))
    assert.deepEqual(
      planDueChecks(candidates, { tm: { perSecond: 100, remainingToday: 0 } }, NOW, 1000),
      []
    )
  })

  test('the window scales the per-second quota', ({ assert }) => {
    assert.equal(allowanceOf({ perSecond: 5, remainingToday: null }, 1000), 5)
    assert.equal(allowanceOf({ perSecond: 5, remainingToday: null }, 3000), 15)
    assert.equal(allowanceOf({ perSecond: 0.5, remainingToday: null }, 1000), 0)
    assert.equal(allowanceOf({ perSecond: 0.5, remainingToday: null }, 2000), 1)
    assert.equal(allowanceOf({ perSecond: 0.1, remainingToday: null }, 30_000), 3)
    assert.equal(allowanceOf({ perSecond: 5, remainingToday: 2 }, 1000), 2)
    assert.equal(allowanceOf({ perSecond: -1, remainingToday: null }, 1000), 0)
    assert.equal(allowanceOf(undefined, 1000), 0)
  })

  test('per platform: never over quota, and always its most urgent due pairs', ({ assert }) => {
    const random = mulberry32(11)
    const platforms = ['ticketmaster', 'seatgeek', 'stubhub', 'ticketevolution', 'jsonld']
    for (let round = 0; round < 200; round++) {
      const quotas: Record<string, PlatformQuota> = {}
      for (const platform of platforms.slice(0, 4)) {
        quotas[platform] = {
          perSecond: Math.round(random() * 20) / 2,
          remainingToday: random() < 0.3 ? Math.floor(random() * 10) : null,
        }
      }
      const windowMs = [250, 1000, 2000, 5000][Math.floor(random() * 4)]
      const candidates = Array.from({ length: Math.floor(random() * 300) }, (_, i) =>
        candidate(
          i,
          platforms[Math.floor(random() * platforms.length)],
          (random() - 0.2) * 60_000,
          Math.floor(random() * 50)
        )
      )
      const chosen = planDueChecks(candidates, quotas, NOW, windowMs)

      for (let i = 1; i < chosen.length; i++)
        assert.isAtLeast(chosen[i - 1].priority, chosen[i].priority)
      assert.equal(new Set(chosen.map((c) => c.sourceId)).size, chosen.length)
      for (const platform of platforms) {
        const mine = chosen.filter((c) => c.platform === platform)
        const allowance = allowanceOf(quotas[platform], windowMs)
        const due = candidates.filter((c) => c.platform === platform && c.nextCheckAt <= NOW)
        assert.isAtMost(mine.length, allowance)
        if (
          quotas[platform]?.remainingToday !== null &&
          quotas[platform]?.remainingToday !== undefined
        )
          assert.isAtMost(mine.length, quotas[platform].remainingToday!)
        assert.equal(mine.length, Math.min(allowance, due.length))
        /** the chosen are the top of the due ones: none left behind outranks one chosen */
        const least = Math.min(...mine.map((c) => c.priority))
        const leftBehind = due.filter((c) => !mine.includes(c))
        if (mine.length) assert.isTrue(leftBehind.every((c) => c.priority <= least))
      }
    }
  })

  test('returns the caller’s own objects, extra fields kept', ({ assert }) => {
    const row: Row = { ...candidate(1, 'tm', 0, 1), tag: 'kept' }
    const [chosen] = planDueChecks([row], { tm: { perSecond: 1, remainingToday: null } }, NOW, 1000)
    assert.strictEqual(chosen, row)
    assert.equal(chosen.tag, 'kept')
  })

  test('handles a large candidate set in one pass', ({ assert }) => {
    const random = mulberry32(3)
    const candidates = Array.from({ length: 50_000 }, (_, i) =>
      candidate(i, i % 3 ? 'tm' : 'sg', random() * HOUR, random())
    )
    const chosen = planDueChecks(
      candidates,
      { tm: { perSecond: 50, remainingToday: null }, sg: { perSecond: 10, remainingToday: null } },
      NOW,
      1000
    )
    assert.lengthOf(chosen, 60)
    const tmTop = candidates
      .filter((c) => c.platform === 'tm')
      .sort((a, b) => b.priority - a.priority)
      .slice(0, 50)
    assert.sameMembers(
      chosen.filter((c) => c.platform === 'tm').map((c) => c.sourceId),
      tmTop.map((c) => c.sourceId)
    )
  })
})
