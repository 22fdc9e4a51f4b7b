import { test } from '@japa/runner'
import {
  backtestHint,
  buyOrWaitHint,
  daysBeforeCurve,
  DAY_MS,
  type PastEvent,
} from '#analytics/days_before'

/** A past event whose lowest price goes `start` at 10 days out to `start × factor` at 0 days, linearly. */
function event(id: number, startsAtDay: number, start: number, factor: number): PastEvent {
  const daily = []
  for (let daysBefore = 10; daysBefore >= 0; daysBefore--)
    daily.push({
      daysBefore,
      lowest: Math.round(start * (1 + (factor - 1) * (1 - daysBefore / 10))),
    })
  return { eventId: id, startsAt: startsAtDay * DAY_MS, daily }
}

test.group('days-before curve, buy-or-wait hint and its backtest', () => {
  test('curve: median price ratio per day before, with the number of events behind each point', ({
    assert,
  }) => {
    const curve = daysBeforeCurve([event(1, 100, 10_000, 0.5), event(2, 101, 20_000, 0.5)])
    const at10 = curve.find((point) => point.daysBefore === 10)!
    const at0 = curve.find((point) => point.daysBefore === 0)!
    assert.equal(at10.events, 2)
    /** median daily lowest of 10,000 → 5,000 linear is 7,500: 10,000 / 7,500 */
    assert.closeTo(at10.ratio, 1.333, 0.001)
    assert.closeTo(at0.ratio, 0.667, 0.001)
    assert.equal(curve[0].daysBefore, 10)
  })

  test('hint: wait when similar events got cheaper later, buy now when they did not', ({
    assert,
  }) => {
    const falling = [1, 2, 3, 4, 5].map((id) => event(id, 100 + id, 10_000, 0.7))
    const wait = buyOrWaitHint(falling, 7)
    assert.equal(wait.advice, 'wait')
    assert.equal(wait.sampleSize, 5)
    assert.equal(wait.shareCheaperLater, 1)
    assert.match(wait.text, /^Wait: in 5 similar past events/)
    const rising = [1, 2, 3, 4, 5].map((id) => event(id, 100 + id, 10_000, 1.5))
    const buy = buyOrWaitHint(rising, 7)
    assert.equal(buy.advice, 'buy_now')
    /** 11,500 at 7 days out, 12,000 the lowest after it */
    assert.equal(buy.medianChange, 0.043)
  })

  test('hint: an honest "not enough history" below the minimum sample', ({ assert }) => {
    const hint = buyOrWaitHint([event(1, 100, 10_000, 0.5), event(2, 101, 10_000, 0.5)], 7)
    assert.equal(hint.advice, 'not_enough_history')
    assert.equal(hint.sampleSize, 2)
    assert.isNull(hint.medianChange)
    assert.match(hint.text, /Not enough history: 2 similar past events/)
  })

  test('backtest: uses only events that had started before each decision, and scores it against "always buy now"', ({
    assert,
  }) => {
    /** Eight falling markets, 20 days apart: the first five only teach, the later ones are decided. */
    const events = [1, 2, 3, 4, 5, 6, 7, 8].map((id) => event(id, id * 20, 10_000, 0.7))
    const result = backtestHint(events, { decisionDays: [7] })
    /** Event 6 decides at day 113 knowing events 1–5 (started by day 100): 6, 7 and 8 are decided. */
    assert.equal(result.decisions, 3)
    assert.equal(result.correct, 3)
    assert.equal(result.accuracy, 1)
    assert.equal(result.buyNowAccuracy, 0)
    assert.equal(result.events, 3)
    /** A later market that rose: the learned "wait" was wrong for it. */
    const mixed = backtestHint([...events, event(9, 200, 10_000, 1.5)], { decisionDays: [7] })
    assert.equal(mixed.decisions, 4)
    assert.equal(mixed.correct, 3)
    assert.equal(mixed.accuracy, 0.75)
    assert.equal(mixed.buyNowAccuracy, 0.25)
  })

  test('hint: less than a day out there is nothing to wait for', ({ assert }) => {
    const falling = [1, 2, 3, 4, 5].map((id) => event(id, 100 + id, 10_000, 0.7))
    const hint = buyOrWaitHint(falling, 0)
    assert.equal(hint.advice, 'buy_now')
    assert.equal(hint.sampleSize, 0)
    assert.match(hint.text, /less than a day away/)
    assert.match(buyOrWaitHint([], 1).text, /had prices 1 day out and later/)
  })

  test('backtest with too little history decides nothing and reports no accuracy', ({ assert }) => {
    const result = backtestHint([event(1, 20, 10_000, 0.7), event(2, 40, 10_000, 0.7)])
    assert.equal(result.decisions, 0)
    assert.isNull(result.accuracy)
  })
})
