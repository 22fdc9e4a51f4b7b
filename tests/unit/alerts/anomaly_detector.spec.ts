import { test } from '@japa/runner'
import {
  detectAnomalies,
  detectListingCountAnomaly,
  detectPriceAnomaly,
  detectSuccessRateDrop,
  median,
  medianAbsoluteDeviation,
  robustScore,
  type SeriesPoint,
} from '#alerts/anomaly_detector'

const T0 = Date.parse('2026-05-01T00:00:00Z')
const STEP = 5 * 60_000

function series(values: number[]): SeriesPoint[] {
  return values.map((value, index) => ({ at: T0 + index * STEP, value }))
}

const PRICES = [9800, 10100, 9900, 10050, 10000, 9950, 10200, 9900, 10000, 10100]

test.group('robust statistics', () => {
  test('median, MAD and the modified z-score', ({ assert }) => {
    assert.equal(median([3, 1, 2]), 2)
    assert.equal(median([4, 1, 2, 3]), 2.5)
    assert.isNaN(median([]))
    assert.equal(medianAbsoluteDeviation(PRICES), 100)
    const scored = robustScore(PRICES, 15000)
    assert.equal(scored.median, 10000)
    assert.equal(scored.mad, 100)
    assert.closeTo(scored.score!, 33.725, 1e-9)
  })

  test('MAD of 0 falls back to the mean absolute deviation; a flat baseline has no score', ({
    assert,
  }) => {
    const mostlyFlat = [100, 100, 100, 100, 100, 100, 120]
    const scored = robustScore(mostlyFlat, 140)
    assert.equal(scored.mad, 0)
    assert.closeTo(scored.score!, 40 / (1.253314 * (20 / 7)), 1e-9)
    assert.isNull(robustScore([5, 5, 5], 6).score)
    assert.equal(robustScore([5, 5, 5], 5).score, 0)
  })
})

test.group('detectPriceAnomaly', () => {
  test('a spike, with the figures that tripped it', ({ assert }) => {
    const finding = detectPriceAnomaly({
      eventId: 4,
      currency: 'USD',
      series: series([...PRICES, 15000]),
    })
    assert.isNotNull(finding)
    assert.equal(finding!.kind, 'price_spike')
    assert.equal(finding!.alertType, 'price_alert')
    assert.deepEqual(finding!.subject, { eventId: 4, currency: 'USD' })
    assert.deepEqual(finding!.figures, {
      value: 15000,
      median: 10000,
      mad: 100,
      score: 33.73,
      threshold: 3.5,
      window: 10,
      windowFrom: new Date(T0).toISOString(),
      windowTo: new Date(T0 + 9 * STEP).toISOString(),
      change: 0.5,
    })
    assert.equal(finding!.at, new Date(T0 + 10 * STEP).toISOString())
    assert.include(finding!.text, 'USD 150.00')
  })

  test('a crash', ({ assert }) => {
    const finding = detectPriceAnomaly({
      eventId: 4,
      currency: 'USD',
      series: series([...PRICES, 6000]),
    })
    assert.equal(finding?.kind, 'price_crash')
    assert.equal(finding?.figures.change, -0.4)
  })

  test('an ordinary move is no anomaly', ({ assert }) => {
    assert.isNull(
      detectPriceAnomaly({ eventId: 4, currency: 'USD', series: series([...PRICES, 10300]) })
    )
  })

  test('one wild point in the baseline does not mask or cause a finding', ({ assert }) => {
    const withOutlier = [...PRICES.slice(0, 9), 50000]
    assert.isNull(
      detectPriceAnomaly({ eventId: 4, currency: 'USD', series: series([...withOutlier, 10150]) })
    )
    assert.equal(
      detectPriceAnomaly({ eventId: 4, currency: 'USD', series: series([...withOutlier, 15000]) })
        ?.kind,
      'price_spike'
    )
  })

  test('a flat baseline: small moves pass, big ones trip with no score', ({ assert }) => {
    const flat = Array.from({ length: 10 }, () => 10000)
    assert.isNull(
      detectPriceAnomaly({ eventId: 4, currency: 'USD', series: series([...flat, 10050]) })
    )
    const finding = detectPriceAnomaly({
      eventId: 4,
      currency: 'USD',
      series: series([...flat, 12000]),
    })
    assert.equal(finding?.kind, 'price_spike')
    assert.isNull(finding?.figures.score)
  })

  test('a high score below the minimum relative change is no anomaly', ({ assert }) => {
    const tight = [10000, 10001, 9999, 10000, 10001, 9999, 10000, 10001, 9999, 10000]
    assert.isNull(
      detectPriceAnomaly({ eventId: 4, currency: 'USD', series: series([...tight, 10500]) })
    )
    assert.equal(
      detectPriceAnomaly(
        { eventId: 4, currency: 'USD', series: series([...tight, 10500]) },
        { minRelativeChange: 0.01 }
      )?.kind,
      'price_spike'
    )
  })

  test('too short a series is not judged; the window keeps the most recent points', ({
    assert,
  }) => {
    assert.isNull(
      detectPriceAnomaly({
        eventId: 4,
        currency: 'USD',
        series: series([10000, 10000, 10000, 50000]),
      })
    )
    const long = [...Array.from({ length: 40 }, () => 20000), ...PRICES, 15000]
    const finding = detectPriceAnomaly(
      { eventId: 4, currency: 'USD', series: series(long) },
      { window: 10 }
    )
    assert.equal(finding?.figures.window, 10)
    assert.equal(finding?.figures.median, 10000)
  })
})

test.group('detectListingCountAnomaly', () => {
  const counts = [50, 52, 48, 51, 49, 50, 53, 47, 50, 51]

  test('a flood and a vanishing are system alerts', ({ assert }) => {
    const flood = detectListingCountAnomaly({
      eventId: 2,
      source: 'sandbox',
      series: series([...counts, 200]),
    })
    assert.equal(flood?.kind, 'listing_flood')
    assert.equal(flood?.alertType, 'system_alert')
    assert.deepEqual(flood?.subject, { eventId: 2, source: 'sandbox' })
    assert.equal(flood?.figures.median, 50)
    const vanish = detectListingCountAnomaly({ eventId: 2, series: series([...counts, 3]) })
    assert.equal(vanish?.kind, 'listing_vanish')
    assert.equal(vanish?.figures.value, 3)
  })

  test('small counts need a real absolute change', ({ assert }) => {
    assert.isNull(
      detectListingCountAnomaly({ eventId: 2, series: series([2, 3, 2, 2, 3, 2, 2, 3, 2, 6]) })
    )
    assert.isNull(detectListingCountAnomaly({ eventId: 2, series: series([...counts, 60]) }))
  })
})

test.group('detectSuccessRateDrop', () => {
  const healthy = Array.from({ length: 10 }, (_, index) => ({
    at: T0 + index * STEP,
    ok: 20,
    total: 20,
  }))

  test('a drop from a steady 100 %', ({ assert }) => {
    const finding = detectSuccessRateDrop({
      source: 'seatgeek',
      series: [...healthy, { at: T0 + 10 * STEP, ok: 10, total: 20 }],
    })
    assert.equal(finding?.kind, 'source_success_drop')
    assert.equal(finding?.alertType, 'system_alert')
    assert.deepEqual(finding?.subject, { source: 'seatgeek' })
    assert.equal(finding?.figures.value, 0.5)
    assert.equal(finding?.figures.median, 1)
    assert.equal(finding?.figures.ok, 10)
    assert.equal(finding?.figures.total, 20)
    assert.include(finding!.text, '50%')
  })

  test('a small dip, a rise and a thin interval are not findings', ({ assert }) => {
    assert.isNull(
      detectSuccessRateDrop({
        source: 's',
        series: [...healthy, { at: T0 + 10 * STEP, ok: 19, total: 20 }],
      })
    )
    const shaky = healthy.map((point, index) => ({ ...point, ok: index % 2 ? 10 : 12 }))
    assert.isNull(
      detectSuccessRateDrop({
        source: 's',
        series: [...shaky, { at: T0 + 10 * STEP, ok: 20, total: 20 }],
      })
    )
    assert.isNull(
      detectSuccessRateDrop({
        source: 's',
        series: [...healthy, { at: T0 + 10 * STEP, ok: 0, total: 3 }],
      })
    )
  })
})

test.group('detectAnomalies', () => {
  test('collects the findings of a batch', ({ assert }) => {
    const findings = detectAnomalies({
      prices: [
        { eventId: 1, currency: 'USD', series: series([...PRICES, 15000]) },
        { eventId: 2, currency: 'USD', series: series([...PRICES, 10000]) },
      ],
      listingCounts: [{ eventId: 1, series: series([50, 52, 48, 51, 49, 50, 53, 47, 50, 51, 0]) }],
      sources: [{ source: 'stubhub', series: [] }],
    })
    assert.deepEqual(
      findings.map((finding) => [finding.kind, finding.subject.eventId ?? finding.subject.source]),
      [
        ['price_spike', 1],
        ['listing_vanish', 1],
      ]
    )
  })
})
