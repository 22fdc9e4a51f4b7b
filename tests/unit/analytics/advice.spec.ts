import { test } from '@japa/runner'
import { adviceFor, backtestAdvice, decisionsOf, trendOf } from '#analytics/advice'
import type { PastEvent } from '#analytics/days_before'

const DAY = 86_400_000

/** A played event whose lowest price moves by `perDay` (a share) every day for 45 days */
function played(
  id: number,
  perDay: number,
  base = 10_000,
  noise: () => number = () => 0
): PastEvent {
  const daily = []
  for (let daysBefore = 45; daysBefore >= 0; daysBefore--)
    daily.push({
      daysBefore,
      lowest: Math.round(base * (1 + perDay * (45 - daysBefore)) * (1 + noise())),
    })
  return { eventId: id, startsAt: id * 7 * DAY, daily }
}

function seeded(seed: number) {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return state / 2_147_483_648 - 0.5
  }
}

test.group('buy or wait: advice judged on held-back played events', () => {
  test('trend over the two weeks before: falling, rising, flat', ({ assert }) => {
    const falling = new Map(played(1, -0.01).daily.map((p) => [p.daysBefore, p.lowest]))
    const rising = new Map(played(1, 0.01).daily.map((p) => [p.daysBefore, p.lowest]))
    const flat = new Map(played(1, 0).daily.map((p) => [p.daysBefore, p.lowest]))
    assert.equal(trendOf(falling, 14), 'falling')
    assert.equal(trendOf(rising, 14), 'rising')
    assert.equal(trendOf(flat, 14), 'flat')
    assert.isNull(trendOf(falling, 44))
    assert.lengthOf(decisionsOf(played(1, -0.01)), 7)
  })

  test('where the trend tells the future, the advice beats both baselines by a margin with confidence', ({
    assert,
  }) => {
    /** 30 games, alternately falling and rising 1 % a day */
    const events = Array.from({ length: 30 }, (_, i) => played(i + 1, i % 2 ? 0.01 : -0.01))
    const result = backtestAdvice(events)
    assert.equal(result.verdict, 'beats_baselines')
    assert.equal(result.testEvents, 11)
    assert.equal(result.trainEvents, 19)
    /** It always picks the cheaper: paid nothing over it */
    assert.equal(result.cost!.advice, 1)
    assert.isAbove(result.cost!.buyNow, 1)
    assert.isAbove(result.cost!.wait, 1)
    assert.isAbove(result.marginLow!, 0)
    assert.equal(result.hitRate, 1)
    assert.match(result.text, /less than "always/)

    const falling = adviceFor(result, 14, 'falling')
    assert.equal(falling.advice, 'wait')
    assert.equal(adviceFor(result, 14, 'rising').advice, 'buy_now')
    assert.equal(adviceFor(result, 14, null).advice, 'dont_know')
  })

  test("where prices are noise, it says don't know, and so does every hint", ({ assert }) => {
    const noise = seeded(11)
    const events = Array.from({ length: 40 }, (_, i) =>
      played(i + 1, 0, 10_000, () => noise() * 0.3)
    )
    const result = backtestAdvice(events)
    assert.equal(result.verdict, 'dont_know')
    assert.isAtMost(result.marginLow!, 0)
    assert.match(result.text, /^Don't know/)
    assert.equal(adviceFor(result, 14, 'falling').advice, 'dont_know')
  })

  test('too few played events: not enough data, with the counts', ({ assert }) => {
    const result = backtestAdvice([played(1, -0.01), played(2, 0.01)])
    assert.equal(result.verdict, 'not_enough_data')
    assert.match(result.text, /2 with prices \(10 needed\)/)
  })
})
