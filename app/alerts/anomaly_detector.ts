/**
 * Anomaly detection on recent series, robust to the odd outlier in the
 * baseline: the latest point is scored against the median and the median
 * absolute deviation (MAD) of the points before it (Iglewicz and Hoaglin's
 * modified z-score, 0.6745 · (x − median) / MAD; a score beyond ±3.5 is an
 * outlier). Pure: series in, findings with the figures that tripped them out.
 *
 * When more than half of the baseline is one value (MAD = 0) the mean
 * absolute deviation stands in (score = (x − median) / (1.253314 · meanAD)),
 * and when the baseline is perfectly flat the score is null: then any move
 * beyond the minimum change trips it. Every detector also asks for a minimum
 * relative (and, for counts and rates, absolute) change, so a flat, quiet
 * series does not alert on a one-cent or one-listing wobble.
 *
 *   price_spike / price_crash       an event's price level (e.g. the lowest
 *                                   or median price per check) → price_alert
 *                                   for the event's watchers
 *   listing_flood / listing_vanish  an event's (or source's) listing count →
 *                                   system_alert for operators (usually a
 *                                   source problem, sometimes a real dump)
 *   source_success_drop             a source's success rate per interval →
 *                                   system_alert for operators
 */

import { formatMinorUnits as formatMoney } from '#connectors/transport/money'

export interface SeriesPoint {
  at: Date | number | string
  value: number
}

export interface SuccessPoint {
  at: Date | number | string
  ok: number
  total: number
}

export type AnomalyKind =
  'price_spike' | 'price_crash' | 'listing_flood' | 'listing_vanish' | 'source_success_drop'

export interface AnomalyFigures {
  value: number
  median: number
  mad: number
  /** Modified z-score; null when the baseline was perfectly flat */
  score: number | null
  threshold: number
  /** Baseline points used */
  window: number
  windowFrom: string | null
  windowTo: string | null
  /** Relative change from the median (0.25 = 25 %); null when the median is 0 */
  change: number | null
  [extra: string]: number | string | null
}

export interface AnomalyFinding {
  kind: AnomalyKind
  alertType: 'price_alert' | 'system_alert'
  subject: { eventId?: number; source?: string; currency?: string }
  /** The time of the scored point, ISO 8601 */
  at: string
  text: string
  figures: AnomalyFigures
}

export interface DetectorOptions {
  /** Baseline points before the latest (most recent kept); default 30 */
  window?: number
  /** Fewest baseline points to judge on; default 8 */
  minPoints?: number
  /** Modified z-score beyond which a point is an outlier; default 3.5 */
  threshold?: number
  /** Fewest relative change from the median; default 0.10 for prices, 0.5 for counts */
  minRelativeChange?: number
  /** Fewest absolute change from the median; default 0 for prices, 5 listings for counts, 0.10 for rates */
  minAbsoluteChange?: number
}

export interface RobustScore {
  median: number
  mad: number
  score: number | null
}

const Z_FACTOR = 0.6745
const MEAN_AD_FACTOR = 1.253314

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Median absolute deviation from `center` (unscaled). */
export function medianAbsoluteDeviation(
  values: readonly number[],
  center = median(values)
): number {
  return median(values.map((value) => Math.abs(value - center)))
}

/** Modified z-score of `value` against `baseline`. */
export function robustScore(baseline: readonly number[], value: number): RobustScore {
  const center = median(baseline)
  const mad = medianAbsoluteDeviation(baseline, center)
  if (mad > 0) return { median: center, mad, score: (Z_FACTOR * (value - center)) / mad }
  let meanAd = 0
  for (const point of baseline) meanAd += Math.abs(point - center)
  meanAd /= baseline.length
  if (meanAd > 0)
    return { median: center, mad, score: (value - center) / (MEAN_AD_FACTOR * meanAd) }
  return { median: center, mad, score: value === center ? 0 : null }
}

function iso(at: Date | number | string): string {
  if (typeof at === 'string') return at
  return (typeof at === 'number' ? new Date(at) : at).toISOString()
}

function round(value: number, digits = 4): number {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}

interface Scored {
  direction: 'up' | 'down'
  figures: AnomalyFigures
  at: string
}

/**
 * Scores the last point of `series` against the ones before it. Returns the
 * figures when it is an outlier by score and by the minimum changes, else null.
 */
export function scoreLatest(
  series: readonly SeriesPoint[],
  options: DetectorOptions & { minRelativeChange: number; minAbsoluteChange: number }
): Scored | null {
  const window = options.window ?? 30
  const minPoints = options.minPoints ?? 8
  const threshold = options.threshold ?? 3.5
  if (series.length < minPoints + 1) return null
  const latest = series[series.length - 1]
  const start = Math.max(0, series.length - 1 - window)
  const baselinePoints = series
    .slice(start, series.length - 1)
    .filter((point) => Number.isFinite(point.value))
  if (baselinePoints.length < minPoints || !Number.isFinite(latest.value)) return null
  const baseline = baselinePoints.map((point) => point.value)
  const { median: center, mad, score } = robustScore(baseline, latest.value)
  const delta = latest.value - center
  if (delta === 0) return null
  const change = center !== 0 ? delta / Math.abs(center) : null
  if (Math.abs(delta) < options.minAbsoluteChange) return null
  if (change !== null && Math.abs(change) < options.minRelativeChange) return null
  if (score !== null && Math.abs(score) <= threshold) return null
  return {
    direction: delta > 0 ? 'up' : 'down',
    at: iso(latest.at),
    figures: {
      value: latest.value,
      median: center,
      mad,
      score: score === null ? null : round(score, 2),
      threshold,
      window: baseline.length,
      windowFrom: iso(baselinePoints[0].at),
      windowTo: iso(baselinePoints[baselinePoints.length - 1].at),
      change: change === null ? null : round(change),
    },
  }
}

function percent(change: number | null): string {
  return change === null ? 'from zero' : `${change > 0 ? '+' : ''}${(change * 100).toFixed(0)}%`
}

function money(minor: number, currency: string): string {
  return formatMoney(Math.round(minor), currency)
}

/** A spike or crash in an event's price level (minor units, one currency). */
export function detectPriceAnomaly(
  input: { eventId: number; currency: string; series: readonly SeriesPoint[] },
  options: DetectorOptions = {}
): AnomalyFinding | null {
  const scored = scoreLatest(input.series, {
    ...options,
    minRelativeChange: options.minRelativeChange ?? 0.1,
    minAbsoluteChange: options.minAbsoluteChange ?? 0,
  })
  if (!scored) return null
  const { figures } = scored
  const kind: AnomalyKind = scored.direction === 'up' ? 'price_spike' : 'price_crash'
  return {
    kind,
    alertType: 'price_alert',
    subject: { eventId: input.eventId, currency: input.currency },
    at: scored.at,
    text: `Price ${kind === 'price_spike' ? 'spike' : 'crash'}: ${money(figures.value, input.currency)} against a median of ${money(figures.median, input.currency)} over the last ${figures.window} checks (${percent(figures.change)}, score ${figures.score ?? 'flat baseline'})`,
    figures,
  }
}

/** A flood or vanishing of listings (count per check). */
export function detectListingCountAnomaly(
  input: { eventId?: number; source?: string; series: readonly SeriesPoint[] },
  options: DetectorOptions = {}
): AnomalyFinding | null {
  const scored = scoreLatest(input.series, {
    ...options,
    minRelativeChange: options.minRelativeChange ?? 0.5,
    minAbsoluteChange: options.minAbsoluteChange ?? 5,
  })
  if (!scored) return null
  const { figures } = scored
  const kind: AnomalyKind = scored.direction === 'up' ? 'listing_flood' : 'listing_vanish'
  const subject: AnomalyFinding['subject'] = {}
  if (input.eventId !== undefined) subject.eventId = input.eventId
  if (input.source !== undefined) subject.source = input.source
  return {
    kind,
    alertType: 'system_alert',
    subject,
    at: scored.at,
    text: `Listings ${kind === 'listing_flood' ? 'flood' : 'vanished'}: ${figures.value} against a median of ${figures.median} over the last ${figures.window} checks (${percent(figures.change)}, score ${figures.score ?? 'flat baseline'})`,
    figures,
  }
}

/**
 * A drop in a source's success rate. Intervals with fewer than
 * `minRequests` requests (default 5) are not judged, nor used as baseline.
 */
export function detectSuccessRateDrop(
  input: { source: string; series: readonly SuccessPoint[] },
  options: DetectorOptions & { minRequests?: number } = {}
): AnomalyFinding | null {
  const minRequests = options.minRequests ?? 5
  const latest = input.series[input.series.length - 1]
  if (!latest || latest.total < minRequests) return null
  const rates: SeriesPoint[] = []
  for (const point of input.series) {
    if (point.total >= minRequests) rates.push({ at: point.at, value: point.ok / point.total })
  }
  const scored = scoreLatest(rates, {
    ...options,
    minRelativeChange: options.minRelativeChange ?? 0,
    minAbsoluteChange: options.minAbsoluteChange ?? 0.1,
  })
  if (!scored || scored.direction !== 'down') return null
  const figures: AnomalyFigures = {
    ...scored.figures,
    value: round(scored.figures.value),
    median: round(scored.figures.median),
    mad: round(scored.figures.mad),
    ok: latest.ok,
    total: latest.total,
  }
  return {
    kind: 'source_success_drop',
    alertType: 'system_alert',
    subject: { source: input.source },
    at: scored.at,
    text: `Source ${input.source}: success rate ${(figures.value * 100).toFixed(0)}% (${latest.ok}/${latest.total}) against a median of ${(figures.median * 100).toFixed(0)}% over the last ${figures.window} intervals (score ${figures.score ?? 'flat baseline'})`,
    figures,
  }
}

export interface AnomalyInput {
  prices?: ReadonlyArray<{ eventId: number; currency: string; series: readonly SeriesPoint[] }>
  listingCounts?: ReadonlyArray<{
    eventId?: number
    source?: string
    series: readonly SeriesPoint[]
  }>
  sources?: ReadonlyArray<{ source: string; series: readonly SuccessPoint[] }>
}

/** Every finding over a batch of series (e.g. one sweep every few minutes). */
export function detectAnomalies(
  input: AnomalyInput,
  options: {
    prices?: DetectorOptions
    listingCounts?: DetectorOptions
    sources?: DetectorOptions & { minRequests?: number }
  } = {}
): AnomalyFinding[] {
  const findings: AnomalyFinding[] = []
  for (const price of input.prices ?? []) {
    const finding = detectPriceAnomaly(price, options.prices)
    if (finding) findings.push(finding)
  }
  for (const count of input.listingCounts ?? []) {
    const finding = detectListingCountAnomaly(count, options.listingCounts)
    if (finding) findings.push(finding)
  }
  for (const source of input.sources ?? []) {
    const finding = detectSuccessRateDrop(source, options.sources)
    if (finding) findings.push(finding)
  }
  return findings
}
