import { test } from '@japa/runner'
import {
  buyableTogether,
  compileRule,
  compileSectionPattern,
  evaluateRule,
  watchesEvent,
  type ListingView,
  type MatchContext,
  type RuleSpec,
} from '#alerts/rule_engine'

function rule(overrides: Partial<RuleSpec> = {}): RuleSpec {
  return {
    id: 1,
    userId: 7,
    eventId: 10,
    filters: {},
    maxPriceMinor: 10_000,
    currency: 'USD',
    includeFees: false,
    minQuantity: 2,
    sections: [],
    triggers: [{ kind: 'available' }],
    hysteresisMinor: 0,
    cooldownSeconds: 900,
    ...overrides,
  }
}

function listing(overrides: Partial<ListingView> = {}): ListingView {
  return {
    id: 100,
    platform: 'sandbox',
    section: '112',
    row: 'F',
    quantity: 4,
    splits: [2, 4],
    priceMinor: 8_000,
    priceWithFeesMinor: null,
    currency: 'USD',
    status: 'available',
    ...overrides,
  }
}

function context(overrides: Partial<MatchContext> & { listing?: ListingView } = {}): MatchContext {
  const item = overrides.listing ?? listing()
  return {
    event: {
      id: 10,
      status: 'onsale',
      startsAt: new Date('2027-01-01T00:00:00Z'),
      league: 'NBA',
      homeTeam: 'Boston Celtics',
      awayTeam: 'Los Angeles Lakers',
      venue: 'TD Garden',
    },
    statusChanged: null,
    listings: new Map([[item.id, item]]),
    changes: [
      {
        listingId: item.id,
        kind: 'appeared',
        oldPriceMinor: null,
        newPriceMinor: item.priceMinor,
        reappeared: false,
      },
    ],
    history: { lowestInDays: () => null, rankOf: () => null },
    lastAlertPrice: new Map(),
    now: new Date('2026-12-01T12:00:00Z'),
    ...overrides,
  }
}

const run = (spec: RuleSpec, ctx: MatchContext) => evaluateRule(compileRule(spec), ctx)

test.group('Rule engine: listing criteria', () => {
  test('a listing under the cap, with enough seats together, matches', ({ assert }) => {
    const matches = run(rule(), context())
    assert.lengthOf(matches, 1)
    assert.deepInclude(matches[0], {
      type: 'ticket_available',
      condition: 'available',
      listingId: 100,
      priceMinor: 8_000,
    })
  })

  test('over the cap, another currency, or too few seats together do not match', ({ assert }) => {
    assert.lengthOf(run(rule(), context({ listing: listing({ priceMinor: 10_001 }) })), 0)
    assert.lengthOf(run(rule(), context({ listing: listing({ currency: 'EUR' }) })), 0)
    assert.lengthOf(
      run(rule({ minQuantity: 3 }), context({ listing: listing({ splits: [2, 4] }) })),
      1
    )
    assert.lengthOf(
      run(rule({ minQuantity: 5 }), context({ listing: listing({ splits: [2, 4] }) })),
      0
    )
  })

  test('fees count when the rule asks and the platform gives them', ({ assert }) => {
    const withFees = listing({ priceMinor: 9_000, priceWithFeesMinor: 11_000 })
    assert.lengthOf(run(rule({ includeFees: true }), context({ listing: withFees })), 0)
    assert.lengthOf(run(rule({ includeFees: false }), context({ listing: withFees })), 1)
  })

  test('section patterns: globs and numeric ranges', ({ assert }) => {
    assert.isTrue(compileSectionPattern('1*')('112'))
    assert.isFalse(compileSectionPattern('1*')('212'))
    assert.isTrue(compileSectionPattern('Floor ?')('floor 3'))
    assert.isTrue(compileSectionPattern('101-120')('112'))
    assert.isFalse(compileSectionPattern('101-120')('121'))
    assert.throws(() => compileSectionPattern('120-101'), /runs backwards/)
    assert.throws(() => compileSectionPattern('(a|b)'), /not a section pattern/)
    assert.lengthOf(run(rule({ sections: ['2*'] }), context()), 0)
  })

  test('splits: the smallest purchasable quantity that covers the seats asked', ({ assert }) => {
    assert.equal(buyableTogether({ quantity: 6, splits: [2, 4, 6] }, 3), 4)
    assert.isNull(buyableTogether({ quantity: 6, splits: [2, 4, 6] }, 7))
    assert.equal(buyableTogether({ quantity: 5, splits: null }, 5), 5)
    assert.isNull(buyableTogether({ quantity: 1, splits: null }, 2))
  })

  test('filter rules watch events by team, league, venue, dates and platform', ({ assert }) => {
    const event = context().event
    const team = compileRule(rule({ eventId: null, filters: { team: 'boston celtics' } }))
    assert.isTrue(watchesEvent(team, event, ['sandbox']))
    assert.isFalse(
      watchesEvent(compileRule(rule({ eventId: null, filters: { league: 'NHL' } })), event, [
        'sandbox',
      ])
    )
    assert.isFalse(
      watchesEvent(
        compileRule(rule({ eventId: null, filters: { to: '2026-12-31T00:00:00Z' } })),
        event,
        ['sandbox']
      )
    )
    assert.isFalse(
      watchesEvent(
        compileRule(rule({ eventId: null, filters: { platforms: ['ticketmaster'] } })),
        event,
        ['sandbox']
      )
    )
  })
})

test.group('Rule engine: triggers', () => {
  test('price drop by a percentage or below a price', ({ assert }) => {
    const ctx = context({
      changes: [
        {
          listingId: 100,
          kind: 'price_changed',
          oldPriceMinor: 10_000,
          newPriceMinor: 8_000,
          reappeared: false,
        },
      ],
    })
    assert.lengthOf(run(rule({ triggers: [{ kind: 'price_drop', percent: 15 }] }), ctx), 1)
    assert.lengthOf(run(rule({ triggers: [{ kind: 'price_drop', percent: 25 }] }), ctx), 0)
    assert.lengthOf(run(rule({ triggers: [{ kind: 'price_drop', belowMinor: 8_500 }] }), ctx), 1)
    const match = run(rule({ triggers: [{ kind: 'price_drop', percent: 15 }] }), ctx)[0]
    assert.equal(match.type, 'price_alert')
    assert.equal(match.reason.dropPercent, 20)
  })

  test('back in stock only for a listing that had been gone', ({ assert }) => {
    const spec = rule({ triggers: [{ kind: 'back_in_stock' }] })
    assert.lengthOf(run(spec, context()), 0)
    assert.lengthOf(
      run(
        spec,
        context({
          changes: [
            {
              listingId: 100,
              kind: 'appeared',
              oldPriceMinor: 9_000,
              newPriceMinor: 8_000,
              reappeared: true,
            },
          ],
        })
      ),
      1
    )
  })

  test('lowest in N days and bottom percentile use the history', ({ assert }) => {
    const lowest = rule({ triggers: [{ kind: 'lowest_in_days', days: 7 }] })
    assert.lengthOf(
      run(lowest, context({ history: { lowestInDays: () => 8_500, rankOf: () => null } })),
      1
    )
    assert.lengthOf(
      run(lowest, context({ history: { lowestInDays: () => 7_000, rankOf: () => null } })),
      0
    )
    const percentile = rule({ triggers: [{ kind: 'bottom_percentile', percent: 10 }] })
    assert.lengthOf(
      run(percentile, context({ history: { lowestInDays: () => null, rankOf: () => 0.05 } })),
      1
    )
    assert.lengthOf(
      run(percentile, context({ history: { lowestInDays: () => null, rankOf: () => 0.4 } })),
      0
    )
    assert.lengthOf(run(percentile, context()), 0, 'no history, no percentile claim')
  })

  test('seats together honours the splits', ({ assert }) => {
    const spec = rule({ minQuantity: 1, triggers: [{ kind: 'seats_together', count: 3 }] })
    assert.lengthOf(run(spec, context({ listing: listing({ splits: [2, 4] }) })), 1)
    assert.lengthOf(run(spec, context({ listing: listing({ quantity: 2, splits: [2] }) })), 0)
  })

  test('on sale and status change come from the event', ({ assert }) => {
    const onSale = rule({ triggers: [{ kind: 'on_sale' }] })
    assert.lengthOf(
      run(onSale, context({ changes: [], statusChanged: { from: 'scheduled', to: 'onsale' } })),
      1
    )
    assert.lengthOf(
      run(onSale, context({ changes: [], statusChanged: { from: 'onsale', to: 'postponed' } })),
      0
    )
    const status = rule({ triggers: [{ kind: 'status_change' }] })
    const match = run(
      status,
      context({ changes: [], statusChanged: { from: 'onsale', to: 'postponed' } })
    )
    assert.lengthOf(match, 1)
    assert.isNull(match[0].listingId)
  })
})

test.group('Rule engine: de-duplication', () => {
  test('the same rule, listing and condition in one cooldown window share a key', ({ assert }) => {
    const a = run(
      rule({ cooldownSeconds: 600 }),
      context({ now: new Date('2026-12-01T12:00:00Z') })
    )[0]
    const b = run(
      rule({ cooldownSeconds: 600 }),
      context({ now: new Date('2026-12-01T12:09:00Z') })
    )[0]
    const c = run(
      rule({ cooldownSeconds: 600 }),
      context({ now: new Date('2026-12-01T12:11:00Z') })
    )[0]
    assert.equal(a.dedupeKey, b.dedupeKey)
    assert.notEqual(b.dedupeKey, c.dedupeKey)
  })

  test('hysteresis: an alerted listing alerts again only after a further move', ({ assert }) => {
    const spec = rule({ hysteresisMinor: 500 })
    const last = new Map([['1:100:available', 8_200]])
    assert.lengthOf(run(spec, context({ lastAlertPrice: last })), 0)
    assert.lengthOf(
      run(spec, context({ lastAlertPrice: last, listing: listing({ priceMinor: 7_600 }) })),
      1
    )
  })
})

test.group('Rule engine: reason texts', () => {
  test('prices are written in the currency’s own decimals', ({ assert }) => {
    const yen = listing({ currency: 'JPY', priceMinor: 12_000 })
    const [match] = run(rule({ maxPriceMinor: null, currency: null }), context({ listing: yen }))
    assert.include(match.reason.text, 'JPY 12000')
    const [usd] = run(rule(), context())
    assert.include(usd.reason.text, 'USD 80.00')
  })
})
