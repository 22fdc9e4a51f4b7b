/**
 * "Days before the event" analytics (pure).
 *
 * Each past event gives its daily lowest price by days before it started.
 *
 *  - curve: per day before, the median of (that day's lowest ÷ the event's
 *    median daily lowest) over the past events, with how many events it rests on;
 *  - hint: for an event D days out, did similar past events get cheaper
 *    later? For each past event with a price D days out and any later one,
 *    ratio = lowest later ÷ price at D. With fewer than `minSamples` such
 *    events: "not enough history". Otherwise "wait" when the median ratio is
 *    at least `threshold` below 1 (prices usually dropped by that much),
 *    else "buy now";
 *  - backtest: replays that hint on every past event at several decision days,
 *    each time using only the events that had already started by then (no
 *    look-ahead), and counts how often it was right ("wait" is right when a
 *    price at least `threshold` lower came later). The accuracy of always
 *    answering "buy now" is given beside it, so the hint can be judged.
 */
import { median } from '#analytics/stats'

export const DAY_MS = 86_400_000
export type PastEvent = {
  eventId: number
  startsAt: number
  daily: Array<{ daysBefore: number; lowest: number }>
}
export type HintAdvice = 'buy_now' | 'wait' | 'not_enough_history'
export type Hint = {
  advice: HintAdvice
  daysBefore: number
  sampleSize: number
  medianChange: number | null
  shareCheaperLater: number | null
  text: string
}
export type Backtest = {
  decisions: number
  correct: number
  accuracy: number | null
  buyNowAccuracy: number | null
  events: number
}

const byDay = (event: PastEvent) =>
  new Map(event.daily.map((point) => [point.daysBefore, point.lowest]))

/** Later than D days out = fewer days before. */
function laterLowest(days: Map<number, number>, daysBefore: number) {
  let lowest: number | null = null
  for (const [day, price] of days)
    if (day < daysBefore && (lowest === null || price < lowest)) lowest = price
  return lowest
}

export function daysBeforeCurve(events: readonly PastEvent[], maxDays = 60) {
  const ratios = new Map<number, number[]>()
  for (const event of events) {
    const reference = median(event.daily.map((point) => point.lowest))
    if (!reference) continue
    for (const point of event.daily) {
      if (point.daysBefore < 0 || point.daysBefore > maxDays) continue
      if (!ratios.has(point.daysBefore)) ratios.set(point.daysBefore, [])
      ratios.get(point.daysBefore)!.push(point.lowest / reference)
    }
  }
  return [...ratios.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([daysBefore, values]) => {
      const sorted = [...values].sort((a, b) => a - b)
      const mid = sorted.length >> 1
      const ratio = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
      return { daysBefore, ratio: Math.round(ratio * 1000) / 1000, events: values.length }
    })
}

export function buyOrWaitHint(
  events: readonly PastEvent[],
  daysBefore: number,
  options: { threshold?: number; minSamples?: number } = {}
): Hint {
  const threshold = options.threshold ?? 0.03
  const minSamples = options.minSamples ?? 5
  if (daysBefore <= 0) {
    return {
      advice: 'buy_now',
      daysBefore,
      sampleSize: 0,
      medianChange: null,
      shareCheaperLater: null,
      text: 'Buy now: the event is less than a day away, there is no later price to wait for.',
    }
  }
  const ratios: number[] = []
  for (const event of events) {
    const days = byDay(event)
    const now = days.get(daysBefore)
    const later = laterLowest(days, daysBefore)
    if (now && later !== null) ratios.push(later / now)
  }
  if (ratios.length < minSamples) {
    return {
      advice: 'not_enough_history',
      daysBefore,
      sampleSize: ratios.length,
      medianChange: null,
      shareCheaperLater: null,
      text: `Not enough history: ${ratios.length} similar past event${ratios.length === 1 ? '' : 's'} had prices ${daysBefore} day${daysBefore === 1 ? '' : 's'} out and later (${minSamples} needed).`,
    }
  }
  const sorted = [...ratios].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const medianRatio = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  const cheaper = ratios.filter((ratio) => ratio <= 1 - threshold).length / ratios.length
  const advice: HintAdvice = medianRatio <= 1 - threshold ? 'wait' : 'buy_now'
  const percent = Math.round(Math.abs(1 - medianRatio) * 100)
  return {
    advice,
    daysBefore,
    sampleSize: ratios.length,
    medianChange: Math.round((medianRatio - 1) * 1000) / 1000,
    shareCheaperLater: Math.round(cheaper * 1000) / 1000,
    text:
      advice === 'wait'
        ? `Wait: in ${ratios.length} similar past events the lowest price after this point was typically ${percent} % lower (${Math.round(cheaper * 100)} % of them got at least ${Math.round(threshold * 100)} % cheaper).`
        : `Buy now: in ${ratios.length} similar past events prices typically did not drop by ${Math.round(threshold * 100)} % or more after this point (only ${Math.round(cheaper * 100)} % did).`,
  }
}

export function backtestHint(
  events: readonly PastEvent[],
  options: { decisionDays?: number[]; threshold?: number; minSamples?: number } = {}
): Backtest {
  const decisionDays = options.decisionDays ?? [30, 14, 7, 3, 1]
  const threshold = options.threshold ?? 0.03
  let decisions = 0
  let correct = 0
  let buyNowCorrect = 0
  const used = new Set<number>()
  for (const event of events) {
    const days = byDay(event)
    for (const daysBefore of decisionDays) {
      const now = days.get(daysBefore)
      const later = laterLowest(days, daysBefore)
      if (!now || later === null) continue
      const decidedAt = event.startsAt - daysBefore * DAY_MS
      const known = events.filter(
        (other) => other.eventId !== event.eventId && other.startsAt <= decidedAt
      )
      const hint = buyOrWaitHint(known, daysBefore, options)
      if (hint.advice === 'not_enough_history') continue
      const waitWasRight = later / now <= 1 - threshold
      decisions++
      used.add(event.eventId)
      if ((hint.advice === 'wait') === waitWasRight) correct++
      if (!waitWasRight) buyNowCorrect++
    }
  }
  return {
    decisions,
    correct,
    accuracy: decisions ? Math.round((correct / decisions) * 1000) / 1000 : null,
    buyNowAccuracy: decisions ? Math.round((buyNowCorrect / decisions) * 1000) / 1000 : null,
    events: used.size,
  }
}
