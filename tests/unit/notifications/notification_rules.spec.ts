import { test } from '@japa/runner'
import { planDeliveries } from '#notifications/delivery_plan'
import { buildDigest, digestWindow } from '#notifications/digests'
import { nextEscalation } from '#notifications/escalation'
import { isQuietAt, quietHoursEnd } from '#notifications/quiet_hours'
import {
  WEBHOOK_RETRY_SCHEDULE_MS,
  nextRetryAt,
  retryDelayMs,
  shouldDisable,
} from '#notifications/retry_policy'
import {
  validatePreferences,
  type NotificationPreferences,
  type UserChannel,
} from '#notifications/preferences'
import { APP_URL, priceAlert, ticketAvailable } from './helpers/messages.js'

const at = (iso: string) => new Date(iso)
const iso = (date: Date | null | undefined) => date?.toISOString()

const channels: UserChannel[] = [
  { id: 1, kind: 'inapp', active: true },
  { id: 2, kind: 'email', active: true },
  { id: 3, kind: 'webpush', active: true },
  { id: 5, kind: 'sms', active: true },
  { id: 9, kind: 'webhook', active: true },
  { id: 11, kind: 'slack', active: false },
]

function prefs(overrides: Partial<NotificationPreferences> = {}): NotificationPreferences {
  return {
    timeZone: 'Europe/London',
    quietHours: null,
    digestMinutes: null,
    escalation: null,
    types: {},
    ...overrides,
  }
}

const night = { start: '22:00', end: '07:00' }

test.group('Notification rules / preferences', () => {
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

test.group('Notification rules / quiet hours', () => {
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

test.group('Notification rules / digests', () => {
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

test.group('Notification rules / escalation', () => {
  const escalation = { afterMinutes: 10, channelIds: [3, 5, 2] }
  const start = at('2026-01-15T12:00:00Z')
  const plus = (minutes: number) => new Date(start.getTime() + minutes * 60_000)

  test('a high-priority ticket_available sends step 0 now and holds the later steps', ({
    assert,
  }) => {
    const plan = planDeliveries({
      message: { type: 'ticket_available', priority: 'high' },
      preferences: prefs({ escalation, types: { ticket_available: [1, 3, 5, 9] } }),
      channels,
      now: start,
    })
    assert.sameMembers(
      plan.deliveries.map((d) => d.id),
      [1, 3, 9]
    )
    assert.deepEqual(
      plan.skipped.map((s) => s.id),
      [5]
    )
    assert.deepEqual(
      plan.escalation!.chain.map((c) => c.kind),
      ['webpush', 'sms', 'email']
    )
    assert.equal(plan.escalation!.stepsSent, 1)
  })

  test('unacknowledged: waits N minutes, escalates to the next channel, then the next, then stops', ({
    assert,
  }) => {
    const plan = planDeliveries({
      message: { type: 'system_alert', priority: 'high' },
      preferences: prefs({ escalation }),
      channels,
      now: start,
    })
    let state = plan.escalation!
    const waiting = nextEscalation(state, plus(5))
    assert.deepEqual(waiting, { action: 'wait', until: plus(10), next: { id: 5, kind: 'sms' } })

    const first = nextEscalation(state, plus(10))
    assert.equal(first.action, 'escalate')
    if (first.action !== 'escalate') return
    assert.deepEqual(first.channel, { id: 5, kind: 'sms' })
    assert.equal(first.step, 1)
    state = first.state

    // The next step counts from the escalation just sent (a late job does not bunch steps)
    assert.deepEqual(nextEscalation(state, plus(15)), {
      action: 'wait',
      until: plus(20),
      next: { id: 2, kind: 'email' },
    })
    const second = nextEscalation(state, plus(21))
    assert.equal(second.action, 'escalate')
    if (second.action !== 'escalate') return
    assert.deepEqual(second.channel, { id: 2, kind: 'email' })
    assert.deepEqual(nextEscalation(second.state, plus(60)), {
      action: 'stop',
      reason: 'chain_exhausted',
    })
  })

  test('acknowledged, normal priority or another type: no escalation', ({ assert }) => {
    const plan = planDeliveries({
      message: { type: 'ticket_available', priority: 'high' },
      preferences: prefs({ escalation }),
      channels,
      now: start,
    })
    assert.deepEqual(nextEscalation({ ...plan.escalation!, acknowledgedAt: plus(3) }, plus(10)), {
      action: 'stop',
      reason: 'acknowledged',
    })
    const normal = planDeliveries({
      message: { type: 'ticket_available', priority: 'normal' },
      preferences: prefs({ escalation }),
      channels,
      now: start,
    })
    assert.isNull(normal.escalation)
    const price = planDeliveries({
      message: { type: 'price_alert', priority: 'high' },
      preferences: prefs({ escalation }),
      channels,
      now: start,
    })
    assert.isNull(price.escalation)
    assert.deepEqual(nextEscalation({ ...plan.escalation!, type: 'price_alert' }, plus(30)), {
      action: 'stop',
      reason: 'not_escalatable',
    })
  })
})

test.group('Notification rules / webhook retries', () => {
  const exact = { random: () => 0.5 }

  test('exponential backoff over hours: 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h, then give up', ({
    assert,
  }) => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(n, exact))
    assert.deepEqual(
      delays,
      [30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000]
    )
    assert.isNull(retryDelayMs(8, exact))
    const total = WEBHOOK_RETRY_SCHEDULE_MS.reduce((sum, delay) => sum + delay, 0)
    assert.isAbove(total, 10 * 3_600_000)
    assert.equal(iso(nextRetryAt(3, at('2026-01-15T12:00:00Z'), exact)), '2026-01-15T12:10:00.000Z')
    assert.isNull(nextRetryAt(8, at('2026-01-15T12:00:00Z'), exact))
    assert.throws(() => retryDelayMs(0))
  })

  test('jitter stays within ±10 %; a longer Retry-After wins, capped at the longest step', ({
    assert,
  }) => {
    assert.equal(retryDelayMs(1, { random: () => 0 }), 27_000)
    assert.equal(retryDelayMs(1, { random: () => 1 }), 33_000)
    assert.equal(retryDelayMs(1, { ...exact, retryAfterMs: 300_000 }), 300_000)
    assert.equal(retryDelayMs(1, { ...exact, retryAfterMs: 5_000 }), 30_000)
    assert.equal(retryDelayMs(2, { ...exact, retryAfterMs: 48 * 3_600_000 }), 21_600_000)
  })

  test('an endpoint is disabled after a run of failures that lasted long enough', ({ assert }) => {
    assert.isFalse(shouldDisable(0))
    assert.isFalse(shouldDisable(23))
    assert.isTrue(shouldDisable(24))
    assert.isTrue(shouldDisable(5, { threshold: 5 }))
    const now = at('2026-01-15T12:00:00Z')
    assert.isFalse(shouldDisable(40, { failingSince: at('2026-01-15T11:00:00Z'), now }))
    assert.isTrue(shouldDisable(40, { failingSince: at('2026-01-15T05:00:00Z'), now }))
  })
})

test.group('Notification rules / preference validation', () => {
  test('errors name the field', ({ assert }) => {
    const result = validatePreferences(
      {
        timeZone: 'Mars/Olympus_Mons',
        quietHours: { start: '25:00', end: '07:00' },
        digestMinutes: 2,
        escalation: { afterMinutes: 0, channelIds: [3, 99] },
        types: { price_alert: [2], lottery_win: [2], ticket_available: 'all' },
      },
      [1, 2, 3, 5, 9]
    )
    assert.isFalse(result.ok)
    if (result.ok) return
    const fields = result.errors.map((error) => error.field)
    assert.sameMembers(fields, [
      'timeZone',
      'quietHours.start',
      'digestMinutes',
      'escalation.afterMinutes',
      'escalation.channelIds',
      'types.lottery_win',
      'types.ticket_available',
    ])
    assert.equal(
      result.errors.find((error) => error.field === 'escalation.channelIds')!.code,
      'E_UNKNOWN_CHANNEL'
    )
  })

  test('valid preferences come back typed', ({ assert }) => {
    const result = validatePreferences(
      {
        timeZone: 'Asia/Kathmandu',
        quietHours: night,
        digestMinutes: 60,
        escalation: { afterMinutes: 5, channelIds: [3, 5] },
        types: { price_alert: [2, 3] },
      },
      [2, 3, 5]
    )
    assert.deepEqual(result, {
      ok: true,
      preferences: {
        timeZone: 'Asia/Kathmandu',
        quietHours: night,
        digestMinutes: 60,
        escalation: { afterMinutes: 5, channelIds: [3, 5] },
        types: { price_alert: [2, 3] },
      },
    })
  })
})
