import { test } from '@japa/runner'
import { validatePreferences } from '#notifications/preferences'
import { night } from './helpers/preferences.js'

test.group('Notifications / preference validation', () => {
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
