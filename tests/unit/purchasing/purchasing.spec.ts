/**
 * The pure cores of purchasing: the state machine, the criteria (quantity,
 * price, budgets, drift, card numbers) and offer selection.
 * (One file so `--files purchasing` runs it.)
 */
import { test } from '@japa/runner'
import {
  ACTIVE_STATES,
  canTransition,
  IllegalTransition,
  isTerminal,
  PURCHASE_STATES,
  TERMINAL_STATES,
  transition,
  TRANSITIONS,
  type PurchaseState,
} from '#purchasing/state_machine'
import {
  allInUnitMinor,
  autoApprovalFits,
  checkBudget,
  checkDrift,
  checkPrice,
  checkQuantity,
  looksLikeCardNumber,
  priceCeiling,
  retryDelayMs,
} from '#purchasing/criteria'
import { selectOffer, smoothedRate, type Offer } from '#purchasing/offer_selection'

const LEGAL: Array<[PurchaseState, PurchaseState]> = [
  ['draft', 'pending_approval'],
  ['draft', 'cancelled'],
  ['draft', 'expired'],
  ['pending_approval', 'approved'],
  ['pending_approval', 'cancelled'],
  ['pending_approval', 'expired'],
  ['approved', 'executing'],
  ['approved', 'cancelled'],
  ['approved', 'expired'],
  ['executing', 'succeeded'],
  ['executing', 'failed'],
]

test.group('Purchase state machine', () => {
  test('every legal transition is allowed and returns the target', ({ assert }) => {
    for (const [from, to] of LEGAL) {
      assert.isTrue(canTransition(from, to), `${from} → ${to}`)
      assert.equal(transition(from, to), to)
    }
  })

  test('every other pair of states (self-moves included) is refused with E_ILLEGAL_TRANSITION and 409', ({
    assert,
  }) => {
    const legal = new Set(LEGAL.map(([from, to]) => `${from}>${to}`))
    let refused = 0
    for (const from of PURCHASE_STATES) {
      for (const to of PURCHASE_STATES) {
        if (legal.has(`${from}>${to}`)) continue
        assert.isFalse(canTransition(from, to), `${from} → ${to}`)
        try {
          transition(from, to)
          assert.fail(`${from} → ${to} should throw`)
        } catch (error) {
          assert.instanceOf(error, IllegalTransition)
          const e = error as IllegalTransition
          assert.equal(e.code, 'E_ILLEGAL_TRANSITION')
          assert.equal(e.status, 409)
          assert.equal(e.from, from)
          assert.equal(e.to, to)
        }
        refused++
      }
    }
    assert.equal(refused, PURCHASE_STATES.length ** 2 - LEGAL.length)
  })

  test('the table holds exactly the legal moves; terminal states lead nowhere', ({ assert }) => {
    const fromTable = Object.entries(TRANSITIONS)
      .flatMap(([from, tos]) => tos.map((to) => `${from}>${to}`))
      .sort()
    assert.deepEqual(fromTable, LEGAL.map(([from, to]) => `${from}>${to}`).sort())
    for (const state of TERMINAL_STATES) {
      assert.isTrue(isTerminal(state))
      assert.lengthOf(TRANSITIONS[state], 0)
    }
    for (const state of ACTIVE_STATES) assert.isFalse(isTerminal(state))
    assert.sameMembers([...ACTIVE_STATES, ...TERMINAL_STATES], [...PURCHASE_STATES])
  })

  test('unknown states are refused too', ({ assert }) => {
    assert.throws(
      () => transition('shipped' as PurchaseState, 'approved'),
      /cannot go from "shipped"/
    )
    assert.throws(() => transition('approved', 'refunded' as PurchaseState), /"refunded"/)
  })

  test('executing cannot be cancelled or expired: an order may be in flight', ({ assert }) => {
    assert.isFalse(canTransition('executing', 'cancelled'))
    assert.isFalse(canTransition('executing', 'expired'))
    assert.isFalse(canTransition('executing', 'approved'))
  })
})

test.group('Purchase criteria: quantity and price', () => {
  test('quantity within what is left, the splits and the platform limit', ({ assert }) => {
    const base = { available: 8, splits: [2, 4, 6, 8], platformMax: 8 }
    assert.isNull(checkQuantity({ ...base, quantity: 4 }))
    assert.equal(checkQuantity({ ...base, quantity: 3 })?.code, 'E_INVALID_SPLIT')
    assert.equal(checkQuantity({ ...base, quantity: 10, platformMax: 8 })?.code, 'E_PLATFORM_LIMIT')
    assert.equal(
      checkQuantity({ ...base, quantity: 6, available: 4, splits: null, platformMax: null })?.code,
      'E_QUANTITY_UNAVAILABLE'
    )
    assert.equal(checkQuantity({ ...base, quantity: 0 })?.code, 'E_INVALID_QUANTITY')
    assert.equal(checkQuantity({ ...base, quantity: 1.5 })?.code, 'E_INVALID_QUANTITY')
    assert.isNull(checkQuantity({ quantity: 5, available: 5, splits: null, platformMax: null }))
    assert.equal(checkQuantity({ ...base, quantity: 4 }) ?? 'ok', 'ok')
    for (const refusal of [
      checkQuantity({ ...base, quantity: 3 }),
      checkQuantity({ ...base, quantity: 9 }),
    ]) {
      assert.equal(refusal?.field, 'quantity')
    }
  })

  test('price: all-in first; above the maximum or missing is refused', ({ assert }) => {
    assert.equal(allInUnitMinor({ priceMinor: 1000, priceWithFeesMinor: 1180 }), 1180)
    assert.equal(allInUnitMinor({ priceMinor: 1000, priceWithFeesMinor: null }), 1000)
    assert.isNull(checkPrice(1000, 1000))
    assert.equal(checkPrice(1001, 1000)?.code, 'E_PRICE_ABOVE_MAX')
    assert.equal(checkPrice(1001, 1000)?.field, 'maxPriceMinor')
    assert.equal(checkPrice(null, 1000)?.code, 'E_NO_PRICE')
  })

  test('drift: within tolerance and under the maximum passes; beyond either aborts', ({
    assert,
  }) => {
    assert.equal(priceCeiling(10_000, 20_000, 0), 10_000)
    assert.equal(priceCeiling(10_000, 20_000, 500), 10_500)
    assert.equal(priceCeiling(10_000, 10_200, 500), 10_200)
    assert.isNull(checkDrift(9_000, 10_000, 12_000, 0))
    assert.isNull(checkDrift(10_500, 10_000, 12_000, 500))
    assert.equal(checkDrift(10_501, 10_000, 12_000, 500)?.code, 'price_drift')
    assert.equal(checkDrift(10_300, 10_000, 10_200, 500)?.code, 'price_drift')
  })

  test('retry delays double, are capped, and respect Retry-After', ({ assert }) => {
    assert.equal(retryDelayMs(1, null, 1000), 1000)
    assert.equal(retryDelayMs(2, null, 1000), 2000)
    assert.equal(retryDelayMs(4, null, 1000), 8000)
    assert.equal(retryDelayMs(30, null, 1000, 60_000), 60_000)
    assert.equal(retryDelayMs(1, 5000, 1000), 5000)
  })
})

test.group('Purchase criteria: budgets and auto-approval', () => {
  const caps = {
    currency: 'USD',
    perEventMinor: 50_000,
    perDayMinor: 80_000,
    perMonthMinor: 200_000,
  }
  const none = { eventMinor: 0, dayMinor: 0, monthMinor: 0 }

  test('each cap is checked with what is already spent or reserved', ({ assert }) => {
    assert.isNull(checkBudget(caps, none, 50_000, 'USD'))
    assert.match(checkBudget(caps, none, 50_001, 'USD')!.message, /event/)
    assert.match(
      checkBudget(caps, { eventMinor: 0, dayMinor: 60_000, monthMinor: 60_000 }, 30_000, 'USD')!
        .message,
      /day/
    )
    assert.match(
      checkBudget(caps, { eventMinor: 0, dayMinor: 0, monthMinor: 190_000 }, 20_000, 'USD')!
        .message,
      /month/
    )
    assert.equal(checkBudget(caps, none, 50_001, 'USD')!.code, 'E_BUDGET_EXCEEDED')
  })

  test('no caps, or caps in another currency, do not limit', ({ assert }) => {
    assert.isNull(checkBudget(null, none, 10 ** 9, 'USD'))
    assert.isNull(checkBudget(caps, none, 10 ** 9, 'EUR'))
    assert.isNull(
      checkBudget(
        { currency: 'USD', perEventMinor: null, perDayMinor: null, perMonthMinor: null },
        none,
        10 ** 9,
        'USD'
      )
    )
  })

  test('auto-approval only for the own enabled rule with auto_purchase and a cap the request fits', ({
    assert,
  }) => {
    const rule = {
      userId: 1,
      enabled: true,
      autoPurchase: true,
      maxPriceMinor: 15_000,
      currency: 'USD',
    }
    const request = { userId: 1, maxPriceMinor: 15_000, currency: 'USD', unitMinor: 12_000 }
    assert.isTrue(autoApprovalFits(rule, request))
    assert.isFalse(autoApprovalFits(null, request))
    assert.isFalse(autoApprovalFits({ ...rule, autoPurchase: false }, request))
    assert.isFalse(autoApprovalFits({ ...rule, enabled: false }, request))
    assert.isFalse(autoApprovalFits({ ...rule, userId: 2 }, request))
    assert.isFalse(autoApprovalFits({ ...rule, maxPriceMinor: null }, request))
    assert.isFalse(autoApprovalFits({ ...rule, currency: 'EUR' }, request))
    assert.isFalse(autoApprovalFits(rule, { ...request, unitMinor: 15_001 }))
    assert.isFalse(autoApprovalFits(rule, { ...request, maxPriceMinor: 16_000 }))
  })
})

test.group('Purchase criteria: card numbers are never stored', () => {
  test('13–19 digit numbers passing Luhn are recognised, with spaces or dashes', ({ assert }) => {
    for (const card of [
      '4111111111111111',
      '4111 1111 1111 1111',
      '5500-0000-0000-0004',
      '378282246310005',
      'paid with 6011111111111117 ok',
      '4222222222222',
    ]) {
      assert.isTrue(looksLikeCardNumber(card), card)
    }
  })

  test('platform references, short numbers and non-Luhn numbers pass', ({ assert }) => {
    for (const reference of [
      '199401-473339',
      'TM-ORDER-8842-1193',
      '4111111111111112',
      '123456789012',
      'PAYPAL 9XK12345AB678901C',
      '12345678901234567890123',
    ]) {
      assert.isFalse(looksLikeCardNumber(reference), reference)
    }
  })
})

function offer(overrides: Partial<Offer>): Offer {
  return {
    platformId: 1,
    platformSlug: 'sandbox',
    accountId: 10,
    eventRef: '1',
    listingRef: 'a',
    listingId: 1,
    unitMinor: 10_000,
    quantity: 2,
    currency: 'USD',
    ...overrides,
  }
}

test.group('Offer selection', () => {
  test('the lowest all-in total wins', ({ assert }) => {
    const chosen = selectOffer(
      [
        offer({ platformId: 1, accountId: 10, unitMinor: 10_500 }),
        offer({ platformId: 2, accountId: 20, unitMinor: 9_900, platformSlug: 'ticketevolution' }),
      ],
      new Map()
    )
    assert.equal(chosen?.platformId, 2)
  })

  test('on equal totals the platform with the better success rate wins', ({ assert }) => {
    const offers = [
      offer({ platformId: 1, accountId: 10 }),
      offer({ platformId: 2, accountId: 20 }),
    ]
    const rates = new Map([
      [1, { rate: smoothedRate(3, 7), attempts: 10 }],
      [2, { rate: smoothedRate(9, 1), attempts: 10 }],
    ])
    assert.equal(selectOffer(offers, rates)?.platformId, 2)
    assert.equal(selectOffer(offers, new Map())?.accountId, 10, 'no history: stable by account')
  })

  test('one account per platform: offers from a second account on the same platform are ignored', ({
    assert,
  }) => {
    const chosen = selectOffer(
      [
        offer({ platformId: 1, accountId: 10, unitMinor: 10_000 }),
        offer({ platformId: 1, accountId: 11, unitMinor: 5_000 }),
      ],
      new Map()
    )
    assert.equal(chosen?.accountId, 10)
  })

  test('no offers, no choice; smoothing counts an unknown platform as even', ({ assert }) => {
    assert.isNull(selectOffer([], new Map()))
    assert.equal(smoothedRate(0, 0), 0.5)
    assert.isAbove(smoothedRate(10, 0), smoothedRate(1, 0))
  })
})
