import { test } from '@japa/runner'
import { alertFunnel, spendByMonth, spendByPlatform } from '#analytics/spend'

const at = (iso: string) => Date.parse(iso)
const orders = [
  {
    placedAt: at('2026-10-03T10:00:00Z'),
    platform: 'sandbox',
    totalMinor: 10_000,
    currency: 'USD',
    status: 'placed',
  },
  {
    placedAt: at('2026-10-31T23:59:00Z'),
    platform: 'stubhub',
    totalMinor: 5_000,
    currency: 'USD',
    status: 'recorded',
  },
  {
    placedAt: at('2026-11-01T00:00:00Z'),
    platform: 'sandbox',
    totalMinor: 7_000,
    currency: 'USD',
    status: 'confirmed',
  },
  {
    placedAt: at('2026-11-02T00:00:00Z'),
    platform: 'sandbox',
    totalMinor: 9_900,
    currency: 'EUR',
    status: 'placed',
  },
  {
    placedAt: at('2026-11-03T00:00:00Z'),
    platform: 'sandbox',
    totalMinor: 99_999,
    currency: 'USD',
    status: 'failed',
  },
  {
    placedAt: at('2026-11-04T00:00:00Z'),
    platform: 'sandbox',
    totalMinor: 99_999,
    currency: 'USD',
    status: 'cancelled',
  },
]

test.group('spend and the alert → purchase funnel', () => {
  test('spend by UTC month and currency, leaving out orders that cost nothing', ({ assert }) => {
    assert.deepEqual(spendByMonth(orders), [
      { key: '2026-10', currency: 'USD', totalMinor: 15_000, orders: 2 },
      { key: '2026-11', currency: 'EUR', totalMinor: 9_900, orders: 1 },
      { key: '2026-11', currency: 'USD', totalMinor: 7_000, orders: 1 },
    ])
  })

  test('spend by platform, biggest first', ({ assert }) => {
    assert.deepEqual(spendByPlatform(orders), [
      { key: 'sandbox', currency: 'USD', totalMinor: 17_000, orders: 2 },
      { key: 'sandbox', currency: 'EUR', totalMinor: 9_900, orders: 1 },
      { key: 'stubhub', currency: 'USD', totalMinor: 5_000, orders: 1 },
    ])
  })

  test('funnel: counts and conversion from each stage to the next; no division by zero', ({
    assert,
  }) => {
    const stages = alertFunnel({
      alerts: 10,
      requests: [
        { fromAlert: true, status: 'succeeded', approved: true },
        { fromAlert: true, status: 'cancelled', approved: false },
        { fromAlert: true, status: 'failed', approved: true },
        { fromAlert: false, status: 'succeeded', approved: true },
      ],
      ordersFromAlerts: 1,
    })
    assert.deepEqual(
      stages.map((stage) => [stage.stage, stage.count, stage.ofPrevious]),
      [
        ['alerts', 10, null],
        ['requests', 3, 0.3],
        ['approved', 2, 0.667],
        ['ordered', 1, 0.5],
      ]
    )
    const empty = alertFunnel({ alerts: 0, requests: [], ordersFromAlerts: 0 })
    assert.deepEqual(
      empty.map((stage) => stage.ofPrevious),
      [null, null, null, null]
    )
  })
})
