import { test } from '@japa/runner'
import { planDeliveries } from '#notifications/delivery_plan'
import { buildDigest, digestWindow } from '#notifications/digests'
import { at, iso, channels, prefs, night } from './helpers/preferences.js'
import { APP_URL, priceAlert, ticketAvailable } from './helpers/messages.js'

test.group('Notifications / digests', () => {
  test('low priority joins the digest window (aligned to local midnight) for people; machines get it now', ({
    assert,
  }) => {
    const now = at('2026-01-15T12:10:00Z')
    const plan = planDeliveries({
      message: { type: 'price_alert', priority: 'low' },
      preferences: prefs({ digestMinutes: 30 }),
      channels,
      now,
    })
    const byKind = Object.fromEntries(plan.deliveries.map((d) => [d.kind, d]))
    assert.equal(byKind.email.mode, 'digest')
    assert.equal(iso(byKind.email.sendAt), '2026-01-15T12:30:00.000Z')
    assert.equal(iso(byKind.email.digestWindow!.start), '2026-01-15T12:00:00.000Z')
    assert.equal(byKind.webhook.mode, 'now')
    assert.equal(byKind.inapp.mode, 'now')
    // Normal priority is not batched
    const normal = planDeliveries({
      message: { type: 'price_alert', priority: 'normal' },
      preferences: prefs({ digestMinutes: 30 }),
      channels,
      now,
    })
    assert.isTrue(normal.deliveries.every((d) => d.mode === 'now'))
  })

  test('hourly windows follow local wall time: 10:00–11:00 IST is 04:30–05:30Z', ({ assert }) => {
    const window = digestWindow(at('2026-01-15T04:40:00Z'), 60, 'Asia/Kolkata') // 10:10 IST
    assert.equal(iso(window.start), '2026-01-15T04:30:00.000Z')
    assert.equal(iso(window.end), '2026-01-15T05:30:00.000Z')
    // Across the spring-forward gap the 01:00–02:00 window closes at 03:00 EDT = 07:00Z
    const gap = digestWindow(at('2026-03-08T06:50:00Z'), 60, 'America/New_York')
    assert.equal(iso(gap.start), '2026-03-08T06:00:00.000Z')
    assert.equal(iso(gap.end), '2026-03-08T07:00:00.000Z')
    // The last window of the day ends at local midnight
    assert.equal(
      iso(digestWindow(at('2026-01-15T23:50:00Z'), 45, 'UTC').end),
      '2026-01-16T00:00:00.000Z'
    )
  })

  test('a digest that would close inside quiet hours is sent when they end', ({ assert }) => {
    const now = at('2026-01-15T21:50:00Z')
    const plan = planDeliveries({
      message: { type: 'price_alert', priority: 'low' },
      preferences: prefs({ digestMinutes: 30, quietHours: night }),
      channels,
      now,
    })
    const email = plan.deliveries.find((d) => d.kind === 'email')!
    assert.equal(email.mode, 'digest')
    assert.equal(iso(email.digestWindow!.end), '2026-01-15T22:00:00.000Z')
    assert.equal(iso(email.sendAt), '2026-01-16T07:00:00.000Z')
  })

  test('buildDigest batches many into one message listing every item, oldest first', ({
    assert,
  }) => {
    const first = priceAlert('low', at('2026-01-15T12:01:00Z'))
    const second = ticketAvailable({ priority: 'low' })
    const third = priceAlert('low', at('2026-01-15T12:20:00Z'))
    const digest = buildDigest([third, second, first], {
      appUrl: APP_URL,
      now: at('2026-01-15T12:30:00Z'),
    })!
    assert.equal(digest.title, '3 updates from HDTickets')
    assert.equal(digest.priority, 'low')
    assert.equal(digest.link, `${APP_URL}/alerts`)
    assert.equal(digest.createdAt, '2026-01-15T12:30:00.000Z')
    assert.include(digest.body, '2 price alerts')
    assert.include(digest.body, '1 ticket alert')
    assert.deepEqual(
      digest.digest!.map((item) => item.createdAt),
      ['2026-01-15T12:01:00.000Z', '2026-01-15T12:20:00.000Z', '2026-03-14T18:02:11.000Z']
    )
    assert.equal(digest.digest![2].link, second.link)
    assert.strictEqual(
      buildDigest([first], { appUrl: APP_URL, now: at('2026-01-15T12:30:00Z') }),
      first
    )
    assert.isNull(buildDigest([], { appUrl: APP_URL, now: at('2026-01-15T12:30:00Z') }))
    // Digests of digests flatten
    const again = buildDigest([digest, priceAlert('low')], {
      appUrl: APP_URL,
      now: at('2026-03-15T00:00:00Z'),
    })!
    assert.lengthOf(again.digest!, 4)
  })
})
