import { test } from '@japa/runner'
import {
  DEFAULT_PRIORITY,
  NOTIFICATION_TYPES,
  buildMessage,
  buildPriceAlert,
  deepLink,
  messageFacts,
  priorityFromImportance,
} from '#notifications/message'
import { formatMoney } from '#notifications/format'
import { APP_URL, NOW, everyType, ticketAvailable } from './helpers/messages.js'

test.group('Notification messages', () => {
  test('every type builds a title, body, absolute deep link and priority', ({ assert }) => {
    const messages = everyType()
    assert.deepEqual(
      messages.map((message) => message.type),
      [...NOTIFICATION_TYPES]
    )
    const links = messages.map((message) => message.link)
    assert.deepEqual(links, [
      `${APP_URL}/events/31?listing=9001`,
      `${APP_URL}/events/5?listing=L-1`,
      `${APP_URL}/purchases/12`,
      `${APP_URL}/purchases/13`,
      `${APP_URL}/accounts`,
      `${APP_URL}/admin/sources`,
    ])
    for (const message of messages) {
      assert.isAbove(message.title.length, 5, message.type)
      assert.isAbove(message.body.length, 5, message.type)
      assert.equal(message.priority, DEFAULT_PRIORITY[message.type])
      assert.equal(message.createdAt, NOW.toISOString())
      assert.equal(
        message.notificationId,
        message.type === 'ticket_available' ? '42' : message.type === 'price_alert' ? '43' : '50'
      )
    }
  })

  test('ticket_available carries listing, section, quantity and the price formatted from minor units', ({
    assert,
  }) => {
    const message = ticketAvailable()
    assert.equal(message.title, 'Tickets available: Arsenal v Chelsea')
    assert.include(message.body, '2 tickets')
    assert.include(message.body, 'Section 112, row F')
    assert.include(message.body, '£85.50 each')
    assert.include(message.body, 'on ticketevolution')
    const facts = Object.fromEntries(messageFacts(message))
    assert.equal(facts.Listing, '9001')
    assert.equal(facts.Quantity, '2')
    assert.equal(facts.Price, '£85.50 each')
  })

  test('price_alert says drop or change from the previous price', ({ assert }) => {
    const options = { appUrl: APP_URL, now: NOW }
    const base = { eventId: 1, eventName: 'Final', priceMinor: 9000, currency: 'EUR' }
    assert.equal(
      buildPriceAlert({ ...base, previousPriceMinor: 10000 }, options).title,
      'Price drop: Final'
    )
    assert.equal(
      buildPriceAlert({ ...base, previousPriceMinor: 8000 }, options).title,
      'Price change: Final'
    )
    assert.include(
      buildPriceAlert({ ...base, previousPriceMinor: 10000 }, options).body,
      'Now €90.00 (was €100.00)'
    )
  })

  test('money keeps each currency exponent (JPY 0, USD 2, KWD 3)', ({ assert }) => {
    assert.equal(formatMoney(12000, 'JPY'), '¥12,000')
    assert.equal(formatMoney(12050, 'USD'), '$120.50')
    assert.match(formatMoney(12050, 'KWD'), /^KWD\s12\.050$/)
    assert.throws(() => formatMoney(1, 'XX'))
  })

  test('deep links keep a base path in APP_URL and refuse relative paths', ({ assert }) => {
    assert.equal(deepLink('https://x.example/hd/', '/events/3'), 'https://x.example/hd/events/3')
    assert.equal(deepLink('http://localhost:3333', '/alerts'), 'http://localhost:3333/alerts')
    assert.throws(() => deepLink(APP_URL, 'events/3'), /must start with/)
  })

  test('priority override, importance mapping and the generic builder', ({ assert }) => {
    const message = buildMessage(
      'system_alert',
      { component: 'queue', detail: 'backlog', path: '/admin' },
      { appUrl: APP_URL, now: NOW, priority: 'low' }
    )
    assert.equal(message.priority, 'low')
    assert.equal(message.link, `${APP_URL}/admin`)
    assert.equal(message.notificationId, null)
    assert.deepEqual([1, 2, 3, 4, 5].map(priorityFromImportance), [
      'low',
      'normal',
      'normal',
      'high',
      'high',
    ])
  })
})
