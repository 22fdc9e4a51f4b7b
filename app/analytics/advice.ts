/**
 * Buy now or wait, judged by what it saves (pure).
 *
 * A decision is a played event seen D days before it started (D in
 * DECISION_DAYS): the lowest price then ("buy now") and the lowest price on
 * the day before the event ("wait"). Its trend is how the lowest price moved
 * over the two weeks before D: falling, rising or flat.
 *
 * The advice learns, from older played events only, per reach of D (a week
 * or less, up to three weeks, further) and trend, the
 * median of wait ÷ now: "wait" when it is at least `threshold` below 1, "buy
 * now" when at least `threshold` above 1 or flat, otherwise "buy now".
 *
 * The backtest holds back the most recent played events (HOLDOUT of them,
 * at least MIN_TEST_EVENTS), trains on the rest, and replays three
 * strategies on every held-back decision: always buy now, always wait, and
 * the advice. Each pays a price; the cost is the mean of price paid ÷ the
 * better of the two prices (1 = always picked the cheaper). The advice earns
 * its place only when it beats the better baseline with a 90 % interval of
 * the paired difference above 0; otherwise the verdict is "don't know", and
 * so is every hint for that league.
 */
import { median } from '#analytics/stats'
import type { PastEvent } from '#analytics/days_before'

export const DECISION_DAYS = [30, 21, 14, 10, 7, 5, 3]
export const WAIT_UNTIL_DAYS = 1
export const HOLDOUT = 0.35
export const MIN_TEST_EVENTS = 5
export const MIN_TRAIN_SAMPLES = 5
const TREND_DAYS = 14
const Z90 = 1.645

export type Trend = 'falling' | 'rising' | 'flat'
export type Decision = {
  eventId: number
  startsAt: number
  daysBefore: number
  nowMinor: number
  waitMinor: number
  trend: Trend
}
export type AdviceWord = 'buy_now' | 'wait'
export type Model = Map<string, { samples: number; medianRatio: number }>
export type AdviceBacktest = {
  verdict: 'beats_baselines' | 'dont_know' | 'not_enough_data'
  trainEvents: number
  testEvents: number
  decisions: number
  /** Mean price paid ÷ the cheaper of now and later, per strategy (1 = perfect) */
  cost: { advice: number; buyNow: number; wait: number } | null
  /** The better baseline, and how much less the advice paid than it (share of the price) */
  bestBaseline: 'buy_now' | 'wait' | null
  margin: number | null
  /** 90 % interval of that margin */
  marginLow: number | null
  marginHigh: number | null
  /** Share of held-back decisions where the advice picked the cheaper option */
  hitRate: number | null
  text: string
}

const round = (value: number, places = 4) => Math.round(value * 10 ** places) / 10 ** places

function priceNear(days: Map<number, number>, day: number, spread = 1): number | null {
  for (let offset = 0; offset <= spread; offset++) {
    const at = days.get(day + offset) ?? days.get(day - offset)
    if (at !== undefined) return at
  }
  return null
}

export function trendOf(days: Map<number, number>, daysBefore: number): Trend | null {
  const now = priceNear(days, daysBefore, 0)
  const before = priceNear(days, daysBefore + TREND_DAYS, 2)
  if (now === null || before === null || before <= 0) return null
  const ratio = now / before
  return ratio < 0.98 ? 'falling' : ratio > 1.02 ? 'rising' : 'flat'
}

/** The decisions a played event offers (those with a price then, later, and two weeks before). */
export function decisionsOf(event: PastEvent, decisionDays = DECISION_DAYS): Decision[] {
  const days = new Map(event.daily.map((point) => [point.daysBefore, point.lowest]))
  const wait = priceNear(days, WAIT_UNTIL_DAYS, 1)
  if (wait === null) return []
  const out: Decision[] = []
  for (const daysBefore of decisionDays) {
    if (daysBefore <= WAIT_UNTIL_DAYS + 1) continue
    const now = days.get(daysBefore)
    const trend = trendOf(days, daysBefore)
    if (!now || trend === null) continue
    out.push({
      eventId: event.eventId,
      startsAt: event.startsAt,
      daysBefore,
      nowMinor: now,
      waitMinor: wait,
      trend,
    })
  }
  return out
}

/** Days out in three reaches (a week or less, up to three weeks, further), so each has samples */
export const reachOf = (daysBefore: number) =>
  daysBefore <= 7 ? 'week' : daysBefore <= 21 ? 'weeks' : 'month'
const key = (daysBefore: number, trend: Trend) => `${reachOf(daysBefore)}:${trend}`

export function train(decisions: readonly Decision[]): Model {
  const ratios = new Map<string, number[]>()
  for (const decision of decisions) {
    const k = key(decision.daysBefore, decision.trend)
    if (!ratios.has(k)) ratios.set(k, [])
    ratios.get(k)!.push(Math.round((decision.waitMinor / decision.nowMinor) * 10_000))
  }
  const model: Model = new Map()
  for (const [k, values] of ratios)
    model.set(k, { samples: values.length, medianRatio: median(values)! / 10_000 })
  return model
}

/** The model's word for D days out with this trend; null when it has too few samples there. */
export function advise(
  model: Model,
  daysBefore: number,
  trend: Trend,
  threshold = 0.03
): { advice: AdviceWord; samples: number; medianRatio: number } | null {
  const entry = model.get(key(daysBefore, trend))
  if (!entry || entry.samples < MIN_TRAIN_SAMPLES) return null
  return {
    advice: entry.medianRatio <= 1 - threshold ? 'wait' : 'buy_now',
    samples: entry.samples,
    medianRatio: entry.medianRatio,
  }
}

export function backtestAdvice(
  events: readonly PastEvent[],
  options: { threshold?: number } = {}
): AdviceBacktest & { model: Model } {
  const sorted = [...events].sort((a, b) => a.startsAt - b.startsAt)
  const withDecisions = sorted.filter((event) => decisionsOf(event).length > 0)
  const testCount = Math.max(MIN_TEST_EVENTS, Math.round(withDecisions.length * HOLDOUT))
  const empty = (text: string, trainEvents = 0, testEvents = 0) => ({
    verdict: 'not_enough_data' as const,
    trainEvents,
    testEvents,
    decisions: 0,
    cost: null,
    bestBaseline: null,
    margin: null,
    marginLow: null,
    marginHigh: null,
    hitRate: null,
    text,
    model: new Map() as Model,
  })
  if (withDecisions.length < testCount + MIN_TRAIN_SAMPLES)
    return empty(
      `Not enough played events to judge the advice: ${withDecisions.length} with prices (${testCount + MIN_TRAIN_SAMPLES} needed).`,
      0,
      0
    )
  const trainSet = withDecisions.slice(0, withDecisions.length - testCount)
  const testSet = withDecisions.slice(withDecisions.length - testCount)
  const model = train(trainSet.flatMap((event) => decisionsOf(event)))

  const rows: Array<{ advice: number; buyNow: number; wait: number; hit: boolean }> = []
  for (const decision of testSet.flatMap((event) => decisionsOf(event))) {
    const said = advise(model, decision.daysBefore, decision.trend, options.threshold)
    if (!said) continue
    const best = Math.min(decision.nowMinor, decision.waitMinor)
    const paid = said.advice === 'wait' ? decision.waitMinor : decision.nowMinor
    rows.push({
      advice: paid / best,
      buyNow: decision.nowMinor / best,
      wait: decision.waitMinor / best,
      hit: paid === best,
    })
  }
  if (rows.length < MIN_TEST_EVENTS)
    return {
      ...empty(
        `Not enough held-back decisions the advice could make: ${rows.length} (${MIN_TEST_EVENTS} needed).`,
        trainSet.length,
        testSet.length
      ),
      model,
    }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length
  const cost = {
    advice: mean(rows.map((row) => row.advice)),
    buyNow: mean(rows.map((row) => row.buyNow)),
    wait: mean(rows.map((row) => row.wait)),
  }
  const bestBaseline: 'buy_now' | 'wait' = cost.buyNow <= cost.wait ? 'buy_now' : 'wait'
  const diffs = rows.map((row) => (bestBaseline === 'buy_now' ? row.buyNow : row.wait) - row.advice)
  const margin = mean(diffs)
  const sd = Math.sqrt(
    diffs.reduce((sum, value) => sum + (value - margin) ** 2, 0) / Math.max(1, diffs.length - 1)
  )
  const half = (Z90 * sd) / Math.sqrt(diffs.length)
  const beats = margin - half > 0
  const percent = (value: number) => `${(value * 100).toFixed(1)} %`
  const baselineName = bestBaseline === 'buy_now' ? '"always buy now"' : '"always wait"'
  return {
    verdict: beats ? 'beats_baselines' : 'dont_know',
    trainEvents: trainSet.length,
    testEvents: testSet.length,
    decisions: rows.length,
    cost: { advice: round(cost.advice), buyNow: round(cost.buyNow), wait: round(cost.wait) },
    bestBaseline,
    margin: round(margin),
    marginLow: round(margin - half),
    marginHigh: round(margin + half),
    hitRate: round(rows.filter((row) => row.hit).length / rows.length, 3),
    text: beats
      ? `On ${rows.length} decisions in the ${testSet.length} most recent played events (held back; learnt from the ${trainSet.length} before them), following the advice paid ${percent(cost.advice - 1)} over the cheaper option, against ${percent(cost.buyNow - 1)} for "always buy now" and ${percent(cost.wait - 1)} for "always wait": ${percent(margin)} less than ${baselineName} (90 % interval ${percent(margin - half)} to ${percent(margin + half)}).`
      : `Don't know: on ${rows.length} decisions in the ${testSet.length} most recent played events the advice paid ${percent(cost.advice - 1)} over the cheaper option, against ${percent(Math.min(cost.buyNow, cost.wait) - 1)} for ${baselineName}; the difference (${percent(margin)}, 90 % interval ${percent(margin - half)} to ${percent(margin + half)}) is not reliably better.`,
    model,
  }
}

/** Advice for an upcoming event D days out with this trend, only where the backtest earned it. */
export function adviceFor(
  backtest: AdviceBacktest & { model: Model },
  daysBefore: number,
  trend: Trend | null,
  threshold = 0.03
): { advice: AdviceWord | 'dont_know'; text: string; samples: number } {
  if (backtest.verdict !== 'beats_baselines')
    return {
      advice: 'dont_know',
      samples: 0,
      text: `Don't know: the advice has not beaten "always buy now" and "always wait" on held-back played games of this league (${backtest.decisions} decisions).`,
    }
  if (daysBefore <= WAIT_UNTIL_DAYS)
    return {
      advice: 'buy_now',
      samples: 0,
      text: 'Buy now: the event is about a day away, there is no later price to wait for.',
    }
  if (!trend)
    return {
      advice: 'dont_know',
      samples: 0,
      text: "Don't know: this event has no two weeks of prices yet to tell whether they are falling or rising.",
    }
  const said = advise(backtest.model, daysBefore, trend, threshold)
  if (!said)
    return {
      advice: 'dont_know',
      samples: 0,
      text: `Don't know: too few past games were ${trend} about ${daysBefore} days out.`,
    }
  const change = Math.round(Math.abs(1 - said.medianRatio) * 100)
  const margin = `${((backtest.margin ?? 0) * 100).toFixed(1)} %`
  return {
    advice: said.advice,
    samples: said.samples,
    text:
      said.advice === 'wait'
        ? `Wait: prices have been ${trend} over the last two weeks; in ${said.samples} past games like that, the lowest price the day before was typically ${change} % lower. Backtested: ${margin} cheaper than the better simple rule.`
        : `Buy now: prices have been ${trend} over the last two weeks; in ${said.samples} past games like that, waiting did not typically pay (median ${said.medianRatio > 1 ? '+' : '−'}${change} %). Backtested: ${margin} cheaper than the better simple rule.`,
  }
}
