import { test } from '@japa/runner'
import { planAlertGroups, type GroupingInput, type OpenGroup } from '#alerts/alert_grouping'
import type { Match } from '#alerts/rule_engine'

const NOW = Date.parse('2026-12-03T12:00:00Z')

function match(
  listingId: number | null,
  priceMinor: number,
  overrides: Partial<Match> = {}
): Match {
  return {
    ruleId: 1,
    userId: 9,
    eventId: 5,
    listingId,
    condition: 'available',
    type: 'ticket_available',
    priceMinor,
    currency: 'USD',
    dedupeKey: `1:${listingId}:available`,
    reason: { text: 'available' },
    ...overrides,
  }
}

function input(matches: Match[], overrides: Partial<GroupingInput> = {}): GroupingInput {
  return {
    matches,
    now: NOW,
    limits: new Map([
      [
        1,
        { minDealScore: null, maxAlertsPerHour: null, maxPriceMinor: 15_000, autoPurchase: false },
      ],
    ]),
    latest: new Map(),
    latestOfRule: new Map(),
    firedLastHour: new Map(),
    dealScores: new Map(),
    sections: new Map([
      [11, '118'],
      [12, '203'],
      [13, '305'],
    ]),
    ...overrides,
  }
}

function open(createdAt: number, listingIds: number[], best: number): OpenGroup {
  return {
    alertId: 77,
    ruleId: 1,
    eventId: 5,
    createdAt,
    group: {
      count: listingIds.length,
      listingIds,
      bestPriceMinor: best,
      bestSection: '118',
      currency: 'USD',
      folded: 0,
      summary: '',
    },
  }
}

test.group('Alert grouping (pure core)', () => {
  test("a rule's matches on one event become one alert, summarised with the best price", ({
    assert,
  }) => {
    const plan = planAlertGroups(input([match(11, 9_900), match(12, 4_100), match(13, 12_000)]))
    assert.lengthOf(plan.create, 1)
    assert.lengthOf(plan.update, 0)
    assert.equal(plan.create[0].reason.summary, '3 new listings under $150 — best $41, section 203')
    assert.deepEqual((plan.create[0].reason.group as any).listingIds, [11, 12, 13])
    assert.equal(plan.create[0].listingId, 12, 'the alert points at the best listing')
    assert.equal(plan.create[0].priceMinor, 4_100)
  })

  test('within the window a later match updates the open alert; after it a new alert starts', ({
    assert,
  }) => {
    const recent = open(NOW - 5 * 60_000, [11], 9_900)
    const plan = planAlertGroups(
      input([match(12, 4_100), match(11, 9_900)], { latest: new Map([['1:5', recent]]) })
    )
    assert.lengthOf(plan.create, 0)
    assert.lengthOf(plan.update, 1)
    assert.equal(plan.update[0].alertId, 77)
    assert.equal(
      plan.update[0].group.count,
      2,
      'a listing already in the alert is not counted twice'
    )
    assert.equal(plan.update[0].group.summary, '2 new listings under $150 — best $41, section 203')

    const old = open(NOW - 20 * 60_000, [11], 9_900)
    const later = planAlertGroups(input([match(12, 4_100)], { latest: new Map([['1:5', old]]) }))
    assert.lengthOf(later.create, 1)
    assert.equal(later.create[0].reason.summary, '1 new listing under $150 — $41, section 203')
  })

  test('matches scored below the rule minimum deal score never alert; unknown scores do', ({
    assert,
  }) => {
    const plan = planAlertGroups(
      input([match(11, 14_900), match(12, 4_100), match(13, 9_000)], {
        limits: new Map([
          [
            1,
            { minDealScore: 50, maxAlertsPerHour: null, maxPriceMinor: null, autoPurchase: false },
          ],
        ]),
        dealScores: new Map([
          [11, 0],
          [12, 92],
        ]),
      })
    )
    assert.deepEqual(
      plan.belowScore.map((m) => m.listingId),
      [11]
    )
    assert.equal((plan.create[0].reason.group as any).count, 2)
  })

  test('over the hourly cap, a new group folds into the latest alert instead of a new one', ({
    assert,
  }) => {
    const latest = open(NOW - 40 * 60_000, [11], 9_900)
    const plan = planAlertGroups(
      input([match(12, 4_100, { eventId: 6 })], {
        limits: new Map([
          [
            1,
            { minDealScore: null, maxAlertsPerHour: 2, maxPriceMinor: 15_000, autoPurchase: false },
          ],
        ]),
        firedLastHour: new Map([[1, 2]]),
        latestOfRule: new Map([[1, latest]]),
      })
    )
    assert.lengthOf(plan.create, 0)
    assert.lengthOf(plan.update, 1)
    assert.equal(plan.update[0].group.folded, 1)
    assert.match(plan.update[0].group.summary, /1 more held back: hourly limit/)
    assert.deepEqual(
      plan.heldBack.map((m) => m.listingId),
      [12],
      'the held-back match goes to the next digest'
    )
  })

  test('a replayed batch over the cap holds nothing back twice', ({ assert }) => {
    const latest = open(NOW - 40 * 60_000, [11, 12], 4_100)
    latest.group.folded = 1
    const plan = planAlertGroups(
      input([match(12, 4_100, { eventId: 6 }), match(13, 5_000, { eventId: 6 })], {
        limits: new Map([
          [
            1,
            { minDealScore: null, maxAlertsPerHour: 1, maxPriceMinor: 15_000, autoPurchase: false },
          ],
        ]),
        firedLastHour: new Map([[1, 1]]),
        latestOfRule: new Map([[1, latest]]),
      })
    )
    assert.deepEqual(
      plan.heldBack.map((m) => m.listingId),
      [13]
    )
    assert.equal(plan.update[0].group.folded, 2)
  })

  test('status alerts and auto-purchase rules are never grouped', ({ assert }) => {
    const plan = planAlertGroups(
      input([match(null, 0, { condition: 'status_change' }), match(11, 100, { ruleId: 2 })], {
        limits: new Map([
          [2, { minDealScore: null, maxAlertsPerHour: 1, maxPriceMinor: null, autoPurchase: true }],
        ]),
      })
    )
    assert.lengthOf(plan.create, 2)
  })
})
