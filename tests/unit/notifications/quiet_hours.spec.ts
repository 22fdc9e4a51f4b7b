import { test } from '@japa/runner'
import { planDeliveries } from '#notifications/delivery_plan'
import { isQuietAt, quietHoursEnd } from '#notifications/quiet_hours'
import { at, iso, channels, prefs, night } from './helpers/preferences.js'

test.group('Notifications / quiet hours', () => {
  test('non-urgent deliveries to people wait for the end of quiet hours; high priority, in-app and webhooks pass', ({
    assert,
  }) => {
    const now = at('2026-01-15T23:00:00Z') // 23:00 in London (GMT)
    const normal = planDeliveries({
      message: { type: 'price_alert', priority: 'normal' },
      preferences: prefs({ quietHours: night }),
      channels,
      now,
    })
    const byKind = Object.fromEntries(normal.deliveries.map((d) => [d.kind, d]))
    assert.equal(byKind.email.mode, 'deferred')
    assert.equal(iso(byKind.email.sendAt), '2026-01-16T07:00:00.000Z')
    assert.equal(iso(byKind.webpush.sendAt), '2026-01-16T07:00:00.000Z')
    assert.equal(byKind.inapp.mode, 'now')
    assert.equal(byKind.webhook.mode, 'now')
    const high = planDeliveries({
      message: { type: 'ticket_available', priority: 'high' },
      preferences: prefs({ quietHours: night }),
      channels,
      now,
    })
    assert.isTrue(high.deliveries.every((d) => d.mode === 'now' && d.sendAt === now))
  })

  test('outside the window nothing waits; windows inside one day work too; start inclusive, end exclusive', ({
    assert,
  }) => {
    assert.isFalse(isQuietAt(at('2026-01-15T12:00:00Z'), night, 'Europe/London'))
    assert.isTrue(isQuietAt(at('2026-01-15T22:00:00Z'), night, 'Europe/London'))
    assert.isTrue(isQuietAt(at('2026-01-16T06:59:00Z'), night, 'Europe/London'))
    assert.isFalse(isQuietAt(at('2026-01-16T07:00:00Z'), night, 'Europe/London'))
    const lunch = { start: '13:00', end: '15:00' }
    assert.isTrue(isQuietAt(at('2026-01-15T14:00:00Z'), lunch, 'UTC'))
    assert.isFalse(isQuietAt(at('2026-01-15T16:00:00Z'), lunch, 'UTC'))
    assert.equal(
      iso(quietHoursEnd(at('2026-01-15T14:00:00Z'), lunch, 'UTC')),
      '2026-01-15T15:00:00.000Z'
    )
    assert.isFalse(isQuietAt(at('2026-01-15T14:00:00Z'), { start: '08:00', end: '08:00' }, 'UTC'))
  })

  test('the night the clocks spring forward is an hour shorter (America/New_York, 8 March 2026)', ({
    assert,
  }) => {
    // 23:30 EST on the 7th; quiet hours end at 07:00 EDT = 11:00Z (not 12:00Z)
    const now = at('2026-03-08T04:30:00Z')
    assert.isTrue(isQuietAt(now, night, 'America/New_York'))
    assert.equal(iso(quietHoursEnd(now, night, 'America/New_York')), '2026-03-08T11:00:00.000Z')
    // …and falls back on 1 November 2026: 07:00 EST = 12:00Z
    assert.equal(
      iso(quietHoursEnd(at('2026-11-01T03:30:00Z'), night, 'America/New_York')),
      '2026-11-01T12:00:00.000Z'
    )
    // An end inside the DST gap (02:30 does not exist on 8 March) moves forward with the clocks: 03:30 EDT
    assert.equal(
      iso(
        quietHoursEnd(
          at('2026-03-08T04:00:00Z'),
          { start: '22:00', end: '02:30' },
          'America/New_York'
        )
      ),
      '2026-03-08T07:30:00.000Z'
    )
  })

  test('half-hour offsets: Asia/Kolkata (+05:30) and Australia/Adelaide in summer (+10:30)', ({
    assert,
  }) => {
    assert.isFalse(isQuietAt(at('2026-01-15T16:15:00Z'), night, 'Asia/Kolkata')) // 21:45 IST
    assert.isTrue(isQuietAt(at('2026-01-15T16:45:00Z'), night, 'Asia/Kolkata')) // 22:15 IST
    assert.equal(
      iso(quietHoursEnd(at('2026-01-15T16:45:00Z'), night, 'Asia/Kolkata')),
      '2026-01-16T01:30:00.000Z'
    )
    assert.isTrue(isQuietAt(at('2026-01-15T12:00:00Z'), night, 'Australia/Adelaide')) // 22:30 ACDT
    assert.equal(
      iso(quietHoursEnd(at('2026-01-15T12:00:00Z'), night, 'Australia/Adelaide')),
      '2026-01-15T20:30:00.000Z'
    )
  })

  test('an unknown time zone is an error, never silently UTC', ({ assert }) => {
    assert.throws(() => isQuietAt(at('2026-01-15T12:00:00Z'), night, 'Mars/Olympus_Mons'), /IANA/)
    assert.throws(
      () => isQuietAt(at('2026-01-15T12:00:00Z'), { start: '7pm', end: '07:00' }, 'UTC'),
      /HH:MM/
    )
  })
})
