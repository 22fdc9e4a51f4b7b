import { test } from '@japa/runner'
import { planDeliveries } from '#notifications/delivery_plan'
import { nextEscalation } from '#notifications/escalation'
import { at, channels, prefs } from './helpers/preferences.js'

test.group('Notifications / escalation', () => {
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
