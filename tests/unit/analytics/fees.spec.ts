import { test } from '@japa/runner'
import { feePerTicket, isPriceMode, priceFor, unitPrice } from '#analytics/fees'
import { buyerCharges, SERVICE_FEE_MIN_CENTS } from '#sandbox/fee_schedule'
import { normaliseListing } from '#connectors/ticketevolution/normalise'
import { parseListing } from '#connectors/ticketevolution/payloads'
import { compileRule, comparablePrice, type RuleSpec } from '#alerts/rule_engine'

const listing = { priceMinor: 10_000, priceWithFeesMinor: 12_450, deliveryFeeMinor: 1_950 }

test.group('fee model: the whole price of N tickets', () => {
  test('all-in: N × (ticket + fees + tax) + delivery per order; per ticket rounded up', ({
    assert,
  }) => {
    assert.deepEqual(priceFor(listing, 'all_in', 2), {
      unitMinor: 13_425, // (2 × 124.50 + 19.50) / 2
      totalMinor: 26_850,
      quantity: 2,
      feesIncluded: true,
    })
    assert.equal(priceFor(listing, 'all_in', 3)!.unitMinor, 13_100) // 393.00 / 3
    assert.equal(priceFor({ ...listing, deliveryFeeMinor: 1_000 }, 'all_in', 3)!.unitMinor, 12_784) // 383.50 / 3 = 127.8333 → up
    assert.equal(unitPrice(listing, 'all_in'), 14_400)
  })

  test('base: the ticket price alone, and it says fees are out', ({ assert }) => {
    assert.deepEqual(priceFor(listing, 'base', 4), {
      unitMinor: 10_000,
      totalMinor: 40_000,
      quantity: 4,
      feesIncluded: false,
    })
  })

  test('fees not stated: all-in falls back to the base price, labelled as such; no price is null, never 0', ({
    assert,
  }) => {
    const noFees = { priceMinor: 9_000, priceWithFeesMinor: null }
    assert.deepEqual(priceFor(noFees, 'all_in', 2), {
      unitMinor: 9_000,
      totalMinor: 18_000,
      quantity: 2,
      feesIncluded: false,
    })
    assert.isNull(priceFor({ priceMinor: null, priceWithFeesMinor: null }, 'all_in'))
    assert.isNull(feePerTicket(noFees))
    assert.equal(feePerTicket(listing), 2_450)
    assert.equal(priceFor(listing, 'all_in', 0)!.quantity, 1)
  })

  test('price modes are a closed set', ({ assert }) => {
    assert.isTrue(isPriceMode('all_in'))
    assert.isTrue(isPriceMode('base'))
    assert.isFalse(isPriceMode('ALL'))
    assert.isFalse(isPriceMode(null))
  })
})

test.group('sandbox exchange: buyer charges as a broker exchange prices a checkout', () => {
  test('18 % service fee with a floor, state tax on ticket + fee, delivery by format', ({
    assert,
  }) => {
    assert.deepEqual(buyerCharges(10_000, 'Physical', 'IL'), {
      serviceFeeCents: 1_800,
      taxCents: 738, // 6.25 % of 118.00 = 7.375 → 7.38
      shippingCents: 1_950,
      deliveryType: 'FedEx',
    })
    assert.equal(buyerCharges(1_000, 'Eticket', 'XX').serviceFeeCents, SERVICE_FEE_MIN_CENTS)
    assert.equal(buyerCharges(1_000, 'Eticket', 'XX').taxCents, 0)
    assert.equal(buyerCharges(10_000, 'TM_mobile', 'AZ').shippingCents, 0)
  })
})

test.group('Ticket Evolution listing: stated buyer charges become the all-in price', () => {
  const ctx = { source: 'ticketevolution', endpoint: 'listings', eventRef: '1' }
  const raw = {
    id: 7,
    type: 'event',
    section: '101',
    row: 'A',
    quantity: 4,
    available_quantity: 4,
    splits: [2, 4],
    retail_price: 100,
    format: 'Physical',
    service_fee: '18.00',
    tax: 7.38,
    shipping: 19.5,
    delivery_type: 'FedEx',
    in_hand: true,
    in_hand_date: null,
    public_notes: null,
  }

  test('ticket + service fee + tax per ticket; shipping per order with its method', ({
    assert,
  }) => {
    const normalised = normaliseListing(parseListing(ctx, raw, '$.listings[0]'))!
    assert.deepEqual(normalised.price, { amountMinor: 10_000, currency: 'USD' })
    assert.deepEqual(normalised.priceWithFees, { amountMinor: 12_538, currency: 'USD' })
    assert.deepEqual(normalised.delivery, {
      method: 'FedEx',
      fee: { amountMinor: 1_950, currency: 'USD' },
    })
  })

  test('no stated fee: the all-in price is unknown (null), never the base price', ({ assert }) => {
    const { service_fee: _fee, tax: _tax, shipping: _ship, delivery_type: _type, ...plain } = raw
    const normalised = normaliseListing(parseListing(ctx, plain, '$.listings[0]'))!
    assert.isNull(normalised.priceWithFees)
    assert.isNull(normalised.delivery)
  })

  test('an unreadable fee names its field', ({ assert }) => {
    assert.throws(
      () => parseListing(ctx, { ...raw, service_fee: 'lots' }, '$.listings[0]'),
      /service_fee/
    )
  })
})

test.group('rules compare the price the user chose, for the quantity asked', () => {
  const spec = (overrides: Partial<RuleSpec>): RuleSpec => ({
    id: 1,
    userId: 1,
    eventId: 1,
    filters: {},
    maxPriceMinor: 13_000,
    currency: 'USD',
    includeFees: true,
    minQuantity: 2,
    sections: [],
    triggers: [{ kind: 'available' }],
    hysteresisMinor: 0,
    cooldownSeconds: 900,
    ...overrides,
  })
  const view = {
    id: 1,
    platform: 'sandbox',
    section: '101',
    row: 'A',
    quantity: 4,
    splits: [2, 4],
    currency: 'USD',
    status: 'available' as const,
    ...listing,
  }

  test('all-in for 2 spreads the order delivery over 2; base ignores fees', ({ assert }) => {
    assert.equal(comparablePrice(compileRule(spec({})), view), 13_425)
    assert.equal(comparablePrice(compileRule(spec({ minQuantity: 4 })), view), 12_938) // (4 × 124.50 + 19.50) / 4 = 129.375 → up
    assert.equal(comparablePrice(compileRule(spec({ includeFees: false })), view), 10_000)
  })
})
