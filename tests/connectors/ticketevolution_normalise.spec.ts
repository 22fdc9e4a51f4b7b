import { test } from '@japa/runner'
import { fixtureJson } from '#tests/helpers/fixtures'
import { InvalidPayload } from '#connectors/errors'
import { decimalToMinor, minorToDecimal } from '#connectors/ticketevolution/money'
import {
  normaliseEvent,
  normaliseListings,
  normaliseMarket,
  normaliseOrder,
  summarise,
  teamsFromName,
  wallTimeToUtc,
} from '#connectors/ticketevolution/normalise'
import {
  parseErrorsMap,
  parseEvent,
  parseListing,
  parseListings,
  parseOrders,
  type PayloadContext,
} from '#connectors/ticketevolution/payloads'

function fixture(name: string): any {
  return fixtureJson(`ticketevolution/${name}`)
}

const listingsCtx: PayloadContext = {
  source: 'ticketevolution',
  endpoint: 'GET /v9/listings',
  eventRef: '1591449',
}
const eventCtx: PayloadContext = {
  source: 'ticketevolution',
  endpoint: 'GET /v9/events/:id',
  eventRef: '1074357',
}
const opts = (iso: string) => ({ source: 'ticketevolution', now: new Date(iso) })

function expectInvalid(assert: any, fn: () => unknown, path: string): InvalidPayload {
  try {
    fn()
  } catch (error) {
    assert.instanceOf(error, InvalidPayload)
    assert.equal((error as InvalidPayload).path, path)
    return error as InvalidPayload
  }
  assert.fail(`expected InvalidPayload at ${path}`)
  throw new Error('unreachable')
}

test.group(
  'ticketevolution normalise: listings (seatmaps-client mock, legacy ticket_groups shape)',
  () => {
    test('normalises all five groups with section, row, quantity, splits, cents, format, in-hand, notes', ({
      assert,
    }) => {
      const listings = normaliseListings(
        parseListings(listingsCtx, fixture('ticket-groups.seatmaps-client-mock-2019.json')).listings
      )
      assert.lengthOf(listings, 5)
      assert.deepEqual(listings[0], {
        ref: '539520858',
        section: '213',
        row: '23',
        quantity: 1,
        splits: [1],
        price: { amountMinor: 18793, currency: 'USD' },
        priceWithFees: null,
        delivery: null,
        format: 'Physical',
        inHand: true,
        inHandOn: null,
        notes: 'Side stage (printed on ticket)',
      })
      assert.deepEqual(listings[2].splits, [2])
      assert.equal(listings[2].format, 'Eticket')
      assert.equal(listings[2].row, 'BS3')
      // the in_hand: false group carries its expected date (legacy `in_hand_on`)
      assert.isFalse(listings[3].inHand)
      assert.equal(listings[3].inHandOn, '2019-06-11')
      assert.isNull(listings[3].notes)
      assert.deepEqual(listings[4].splits, [1, 2, 3, 4, 6])
      assert.deepEqual(
        listings.map((l) => l.price?.amountMinor),
        [18793, 18983, 19644, 27089, 21012]
      )
    })

    test('the array may come as `ticket_groups`, `listings` or bare', ({ assert }) => {
      const groups = fixture('ticket-groups.seatmaps-client-mock-2019.json')
      const bare = normaliseListings(parseListings(listingsCtx, groups).listings)
      assert.deepEqual(
        normaliseListings(parseListings(listingsCtx, { ticket_groups: groups }).listings),
        bare
      )
      assert.deepEqual(
        normaliseListings(parseListings(listingsCtx, { listings: groups }).listings),
        bare
      )
    })

    test('retail_price is the buyer price; wholesale_price is never exposed', ({ assert }) => {
      const [group] = fixture('ticket-groups.seatmaps-client-mock-2019.json')
      const listing = normaliseListings(
        parseListings(listingsCtx, {
          listings: [{ ...group, retail_price: '250.10', wholesale_price: 200.55 }],
        }).listings
      )[0]
      assert.deepEqual(listing.price, { amountMinor: 25010, currency: 'USD' })
      assert.notInclude(JSON.stringify(listing), '20055')
    })

    test('listings documented shape: available_quantity and in_hand_date win; parking and sold-out rows are dropped', ({
      assert,
    }) => {
      const listings = normaliseListings(
        parseListings(listingsCtx, {
          listings: [
            {
              id: 1,
              type: 'event',
              section: 'A',
              row: null,
              quantity: 6,
              available_quantity: 4,
              splits: [2, 4, 2],
              retail_price: 10,
              in_hand: false,
              in_hand_date: '2026-07-01',
              public_notes: '  ',
            },
            { id: 2, type: 'parking', section: 'Lot C', quantity: 1, retail_price: 30 },
            {
              id: 3,
              type: 'event',
              section: 'B',
              quantity: 0,
              available_quantity: 0,
              retail_price: 50,
            },
            { id: 4, section: 'C', quantity: 2, retail_price: null },
          ],
        }).listings
      )
      assert.deepEqual(
        listings.map((l) => l.ref),
        ['1', '4']
      )
      assert.equal(listings[0].quantity, 4)
      assert.deepEqual(listings[0].splits, [2, 4])
      assert.equal(listings[0].inHandOn, '2026-07-01')
      assert.isNull(listings[0].notes)
      assert.isNull(listings[0].row)
      // a missing price stays missing, never 0
      assert.isNull(listings[1].price)
      assert.isNull(listings[1].splits)
    })

    test('summary: min, max, median, average in cents; missing prices left out; fees not included', ({
      assert,
    }) => {
      const listings = normaliseListings(
        parseListings(listingsCtx, fixture('ticket-groups.seatmaps-client-mock-2019.json')).listings
      )
      const summary = summarise(listings)
      assert.deepEqual(summary.min, { amountMinor: 18793, currency: 'USD' })
      assert.deepEqual(summary.max, { amountMinor: 27089, currency: 'USD' })
      assert.deepEqual(summary.median, { amountMinor: 19644, currency: 'USD' })
      assert.equal(
        summary.average?.amountMinor,
        Math.round((18793 + 18983 + 19644 + 27089 + 21012) / 5)
      )
      assert.isFalse(summary.feesIncluded)
      assert.equal(summary.listingCount, 5)
      const empty = summarise([])
      assert.isNull(empty.min)
      assert.isNull(empty.median)
      assert.equal(empty.listingCount, 0)
    })
  }
)

test.group('ticketevolution normalise: events (docs excerpt)', () => {
  test('uses occurs_at_local (real offset), not the mislabelled occurs_at', ({ assert }) => {
    const event = normaliseEvent(
      parseEvent(eventCtx, fixture('event-show.docs-excerpt.json')),
      opts('2017-06-01T00:00:00Z')
    )
    assert.equal(event.startsAt, '2017-06-25T02:10:00.000Z')
    assert.notEqual(event.startsAt, '2017-06-24T19:10:00.000Z')
    assert.equal(event.ref, '1074357')
    assert.equal(event.platform, 'ticketevolution')
    assert.equal(event.name, 'Philadelphia Phillies at Arizona Diamondbacks')
    assert.equal(event.awayTeam, 'Philadelphia Phillies')
    assert.equal(event.homeTeam, 'Arizona Diamondbacks')
    assert.equal(event.sport, 'Baseball')
    assert.equal(event.league, 'MLB')
    assert.isFalse(event.dateTbd)
    // shown with available_count 366
    assert.equal(event.status, 'onsale')
    assert.isNull(event.publicSale)
    assert.deepEqual(event.presales, [])
  })

  test('state: postponed, canceled (single L), shown without inventory, ended after the start', ({
    assert,
  }) => {
    const raw = fixture('event-show.docs-excerpt.json')
    const status = (patch: object, now = '2017-06-01T00:00:00Z') =>
      normaliseEvent(parseEvent(eventCtx, { ...raw, ...patch }), opts(now)).status
    assert.equal(status({ state: 'postponed' }), 'postponed')
    assert.equal(status({ state: 'canceled' }), 'cancelled')
    assert.equal(status({ available_count: 0, products_count: 0 }), 'scheduled')
    assert.equal(status({}, '2017-07-01T00:00:00Z'), 'ended')
  })

  test('without occurs_at_local, the wall time is resolved in the venue zone, or left unknown', ({
    assert,
  }) => {
    const raw = fixture('event-show.docs-excerpt.json')
    const { occurs_at_local: _, ...noLocal } = raw
    const unknown = normaliseEvent(parseEvent(eventCtx, noLocal), opts('2017-06-01T00:00:00Z'))
    assert.isNull(unknown.startsAt)
    assert.isTrue(unknown.dateTbd)
    const withZone = normaliseEvent(
      parseEvent(eventCtx, {
        ...noLocal,
        venue: { name: 'Chase Field', location: 'Phoenix, AZ', time_zone: 'America/Phoenix' },
      }),
      opts('2017-06-01T00:00:00Z')
    )
    assert.equal(withZone.startsAt, '2017-06-25T02:10:00.000Z')
    assert.equal(withZone.timezone, 'America/Phoenix')
    assert.equal(withZone.venue, 'Chase Field')
    assert.equal(withZone.city, 'Phoenix')
  })

  test('a local time of 00:00:00 means the time is TBD', ({ assert }) => {
    const raw = fixture('event-show.docs-excerpt.json')
    const event = normaliseEvent(
      parseEvent(eventCtx, { ...raw, occurs_at_local: '2017-06-24T00:00:00-07:00' }),
      opts('2017-06-01T00:00:00Z')
    )
    assert.isTrue(event.dateTbd)
  })

  test('market: listings decide on-sale; fetchedAt is the given now', ({ assert }) => {
    const event = parseEvent(eventCtx, fixture('event-show.docs-excerpt.json'))
    const listings = parseListings(
      listingsCtx,
      fixture('ticket-groups.seatmaps-client-mock-2019.json')
    ).listings
    const market = normaliseMarket(event, listings, opts('2017-06-01T00:00:00Z'))
    assert.equal(market.event.status, 'onsale')
    assert.lengthOf(market.listings!, 5)
    assert.equal(market.fetchedAt, '2017-06-01T00:00:00.000Z')
    assert.equal(normaliseMarket(event, [], opts('2017-06-01T00:00:00Z')).event.status, 'scheduled')
  })

  test('team names from "A at B" and "A vs. B"', ({ assert }) => {
    assert.deepEqual(teamsFromName('Boston Celtics vs. Chicago Bulls'), {
      homeTeam: 'Boston Celtics',
      awayTeam: 'Chicago Bulls',
    })
    assert.deepEqual(teamsFromName('Ariana Grande'), { homeTeam: null, awayTeam: null })
    assert.equal(
      wallTimeToUtc('2026-01-15T19:00:00Z', 'America/New_York'),
      Date.parse('2026-01-16T00:00:00Z')
    )
    assert.equal(
      wallTimeToUtc('2026-07-15T19:00:00', 'America/New_York'),
      Date.parse('2026-07-15T23:00:00Z')
    )
  })
})

test.group('ticketevolution payloads: bad input names platform, endpoint, event and path', () => {
  test('a non-decimal retail_price: that listing is skipped, named by id and path; the others are read', ({
    assert,
  }) => {
    const groups = fixture('ticket-groups.seatmaps-client-mock-2019.json')
    groups[1].retail_price = 'call us'
    const parsed = parseListings(listingsCtx, { ticket_groups: groups })
    assert.lengthOf(parsed.listings, groups.length - 1)
    assert.notInclude(
      parsed.listings.map((l) => l.id),
      String(groups[1].id)
    )
    assert.deepEqual(parsed.skipped, [
      {
        item: 'listing',
        ref: String(groups[1].id),
        path: '$.ticket_groups[1].retail_price',
        reason: parsed.skipped[0].reason,
      },
    ])
    assert.match(parsed.skipped[0].reason, /call us/)
    const error = expectInvalid(
      assert,
      () => parseListing(listingsCtx, groups[1], '$.ticket_groups[1]'),
      '$.ticket_groups[1].retail_price'
    )
    assert.equal(error.source, 'ticketevolution')
    assert.equal(error.endpoint, 'GET /v9/listings')
    assert.equal(error.eventRef, '1591449')
    assert.include(error.message, 'ticketevolution')
    assert.include(error.message, 'GET /v9/listings')
    assert.include(error.message, '1591449')
    assert.include(error.message, '$.ticket_groups[1].retail_price')
  })

  test('a zero split, a negative quantity, a missing quantity, a missing array', ({ assert }) => {
    const [group] = fixture('ticket-groups.seatmaps-client-mock-2019.json')
    expectInvalid(
      assert,
      () => parseListing(listingsCtx, { ...group, splits: [1, 0] }, '$.listings[0]'),
      '$.listings[0].splits[1]'
    )
    expectInvalid(
      assert,
      () => parseListing(listingsCtx, { ...group, quantity: -1 }, '$.listings[0]'),
      '$.listings[0].quantity'
    )
    const { quantity: _q, available_quantity: _a, ...noQuantity } = group
    expectInvalid(
      assert,
      () => parseListing(listingsCtx, noQuantity, '$.listings[0]'),
      '$.listings[0].quantity'
    )
    expectInvalid(assert, () => parseListings(listingsCtx, { events: [] }), '$.ticket_groups')
    expectInvalid(assert, () => parseListings(listingsCtx, '<html>'), '$')
  })

  test('an event without a name, with a bad id, with an offset-less occurs_at_local', ({
    assert,
  }) => {
    const raw = fixture('event-show.docs-excerpt.json')
    const { name: _, ...noName } = raw
    expectInvalid(assert, () => parseEvent(eventCtx, noName), '$.name')
    expectInvalid(assert, () => parseEvent(eventCtx, { ...raw, id: 'abc' }), '$.id')
    expectInvalid(
      assert,
      () => parseEvent(eventCtx, { ...raw, occurs_at_local: '2017-06-24T19:10:00' }),
      '$.occurs_at_local'
    )
    expectInvalid(
      assert,
      () => parseEvent(eventCtx, { ...raw, category: { name: 'MLB', parent: { name: 3 } } }),
      '$.category.parent.name'
    )
  })

  test('error bodies: the 422 errors map and the 401 body', ({ assert }) => {
    assert.deepEqual(parseErrorsMap(fixture('error-422-validation.v8-cassette.json')), [
      { field: 'name', messages: ["can't be blank"] },
    ])
    assert.isNull(parseErrorsMap(fixture('error-401-unauthorized.v8-cassette.json')))
    assert.deepEqual(parseErrorsMap({ orders: [{ errors: { quantity: 'too many' } }] }), [
      { field: 'quantity', messages: ['too many'] },
    ])
  })
})

test.group('ticketevolution money and orders', () => {
  test('decimal USD to integer cents without float drift', ({ assert }) => {
    assert.equal(decimalToMinor(187.93), 18793)
    assert.equal(decimalToMinor(19.99), 1999)
    assert.equal(decimalToMinor(0.1 + 0.2), 30)
    assert.equal(decimalToMinor('10'), 1000)
    assert.equal(decimalToMinor('10.5'), 1050)
    assert.equal(decimalToMinor('1.005'), 101)
    assert.equal(decimalToMinor(263), 26300)
    assert.isNull(decimalToMinor('12,50'))
    assert.equal(minorToDecimal(5), '0.05')
    assert.equal(minorToDecimal(18793), '187.93')
  })

  test('an order response normalises to PlacedOrder', ({ assert }) => {
    const [order] = parseOrders(
      { source: 'ticketevolution', endpoint: 'POST /v9/orders' },
      {
        orders: [
          {
            id: 473339,
            oid: '199401-473339',
            state: 'pending',
            reference: 'k-1',
            total: '120.00',
            shipped_items: [
              {
                type: 'Eticket',
                items: [{ ticket_group: { id: 5 }, quantity: 2, price: '55.00' }],
              },
            ],
          },
        ],
      }
    )
    assert.equal(order.items[0].ticket_group_id, '5')
    assert.deepEqual(normaliseOrder(order, false), {
      ref: '473339',
      status: 'pending',
      quantity: 2,
      unitPrice: { amountMinor: 5500, currency: 'USD' },
      total: { amountMinor: 12000, currency: 'USD' },
      replayed: false,
    })
  })
})
