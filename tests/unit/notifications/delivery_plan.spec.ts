import { test } from '@japa/runner'
import { planDeliveries } from '#notifications/delivery_plan'
import { at, channels, prefs } from './helpers/preferences.js'

test.group('Notifications / delivery plan', () => {
  test('defaults: every active channel, SMS only for high priority; disabled channels are skipped', ({
    assert,
  }) => {
    const normal = planDeliveries({
      message: { type: 'price_alert', priority: 'normal' },
      preferences: prefs(),
      channels,
      now: at('2026-01-15T12:00:00Z'),
    })
    assert.sameMembers(
      normal.deliveries.map((d) => d.kind),
      ['inapp', 'email', 'webpush', 'webhook']
    )
    const high = planDeliveries({
      message: { type: 'ticket_available', priority: 'high' },
      preferences: prefs(),
      channels,
      now: at('2026-01-15T12:00:00Z'),
    })
    assert.sameMembers(
      high.deliveries.map((d) => d.kind),
      ['inapp', 'email', 'webpush', 'sms', 'webhook']
    )
    assert.isTrue(high.deliveries.every((d) => d.mode === 'now'))
  })

  test('per type, per channel: the chosen ids only; an empty list mutes the type; a disabled choice is reported', ({
    assert,
  }) => {
    const preferences = prefs({ types: { price_alert: [2, 11], account_issue: [] } })
    const plan = planDeliveries({
      message: { type: 'price_alert', priority: 'normal' },
      preferences,
      channels,
      now: at('2026-01-15T12:00:00Z'),
    })
    assert.deepEqual(
      plan.deliveries.map((d) => d.id),
      [2]
    )
    assert.deepEqual(plan.skipped, [{ id: 11, kind: 'slack', reason: 'channel disabled' }])
    const muted = planDeliveries({
      message: { type: 'account_issue', priority: 'normal' },
      preferences,
      channels,
      now: at('2026-01-15T12:00:00Z'),
    })
    assert.lengthOf(muted.deliveries, 0)
  })
})
