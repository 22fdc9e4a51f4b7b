/**
 * The real ticketevolution connector, end to end, against the sandbox exchange
 * on 127.0.0.1 (random port) over real HTTP: signing, listings, orders,
 * idempotency and reconciliation.
 */
import { test } from '@japa/runner'
import {
  CredentialRejected,
  EventGone,
  OrderRejected,
  RateLimited,
  Unavailable,
} from '#connectors/errors'
import type { ConnectorContext, NormalisedListing } from '#connectors/contract'
import ExchangeServer from '#sandbox/exchange_server'
import MarketSimulator from '#sandbox/market_simulator'
import { sandboxCredential, SANDBOX_CREDENTIALS } from '#connectors/sandbox/sandbox_credentials'
import { createSandboxConnector } from '#connectors/sandbox/sandbox_connector'
import { UndiciTransport } from '#connectors/ticketevolution/client'
import TicketEvolutionConnector from '#connectors/ticketevolution/ticketevolution_connector'
import { connectorContractSuite } from './contract_suite.js'

const START = Date.parse('2026-03-01T12:00:00Z')
const context: ConnectorContext = { credential: sandboxCredential() }

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}

async function setup(options: { listingsKey?: 'ticket_groups' | 'listings' } = {}) {
  const simulator = new MarketSimulator({
    seed: 1234,
    startMs: START,
    events: 30,
    listingsPerEvent: 12,
    preSaleFraction: 0,
  })
  const exchange = new ExchangeServer({
    simulator,
    clock: () => START,
    maxQuantityPerOrder: 8,
    listingsKey: options.listingsKey,
  })
  await exchange.start(0, '127.0.0.1')
  const transport = new UndiciTransport({ connections: 8 })
  const connector = new TicketEvolutionConnector({
    baseUrl: exchange.url,
    transport,
    clock: () => new Date(START),
  })
  return { simulator, exchange, transport, connector }
}

type Setup = Awaited<ReturnType<typeof setup>>

function firstEventWithListings(simulator: MarketSimulator): number {
  return simulator.events().find((e) => e.state === 'shown' && simulator.listings(e.id).length > 0)!
    .id
}

connectorContractSuite('ticketevolution against the sandbox exchange', async () => {
  const s = await setup()
  return {
    connector: s.connector,
    context,
    eventRef: String(firstEventWithListings(s.simulator)),
    goneRef: '99999999',
    secrets: [SANDBOX_CREDENTIALS.secret],
    breakServer: () => s.exchange.setFault(500),
    cleanup: async () => {
      await s.exchange.stop()
      await s.transport.close()
    },
  }
})

test.group('ticketevolution ↔ sandbox: market data', (group) => {
  let s: Setup
  group.each.setup(async () => {
    s = await setup()
    return async () => {
      await s.exchange.stop()
      await s.transport.close()
    }
  })

  test('discoverEvents pages through every event once (1-based pages)', async ({ assert }) => {
    const refs: string[] = []
    let page: number | null = 1
    while (page !== null) {
      const result = await s.connector.discoverEvents({ page, pageSize: 7 }, context)
      assert.equal(result.total, 30)
      refs.push(...result.events.map((e) => e.ref))
      page = result.nextPage
    }
    assert.lengthOf(refs, 30)
    assert.lengthOf(new Set(refs), 30)
    assert.sameMembers(
      refs,
      s.simulator.events().map((e) => String(e.id))
    )
  })

  test('discoverEvents filters by keyword and normalises the event', async ({ assert }) => {
    const target = s.simulator.events()[0]
    const result = await s.connector.discoverEvents({ keyword: target.homeTeam }, context)
    assert.isAbove(result.events.length, 0)
    assert.isTrue(result.events.every((e) => e.name.includes(target.homeTeam)))
    const event = result.events.find((e) => e.ref === String(target.id))!
    assert.equal(event.startsAt, new Date(target.startsAtMs).toISOString())
    assert.equal(event.timezone, target.venue.timeZone)
    assert.equal(event.league, target.league)
    assert.equal(event.homeTeam, target.homeTeam)
    assert.equal(event.awayTeam, target.awayTeam)
    assert.equal(event.country, target.venue.country)
  })

  test('fetchMarket lists every listing with its exact price in cents', async ({ assert }) => {
    const eventId = firstEventWithListings(s.simulator)
    const snapshot = await s.connector.fetchMarket(String(eventId), context)
    const expected = s.simulator.listings(eventId)
    assert.equal(snapshot.event.status, 'onsale')
    assert.lengthOf(snapshot.listings!, expected.length)
    for (const listing of expected) {
      const got = snapshot.listings!.find((l) => l.ref === String(listing.id))!
      assert.deepEqual(got.price, { amountMinor: listing.retailCents, currency: 'USD' })
      assert.equal(got.quantity, listing.available)
      assert.deepEqual(got.splits, listing.splits)
      assert.equal(got.section, listing.section)
    }
    assert.equal(snapshot.summary.listingCount, expected.length)
    assert.equal(snapshot.summary.min?.amountMinor, Math.min(...expected.map((l) => l.retailCents)))
  })

  test('a change forced in the sandbox shows in the next fetch (cache follows the version)', async ({
    assert,
  }) => {
    const eventId = firstEventWithListings(s.simulator)
    const listing = s.simulator.listings(eventId)[0]
    await s.connector.fetchMarket(String(eventId), context)
    s.exchange.mutate((sim) => sim.setPrice(listing.id, 12_345))
    const after = await s.connector.fetchMarket(String(eventId), context)
    assert.equal(
      after.listings!.find((l) => l.ref === String(listing.id))!.price!.amountMinor,
      12_345
    )
    s.exchange.mutate((sim) => sim.setState(eventId, 'postponed'))
    assert.equal(
      (await s.connector.fetchMarket(String(eventId), context)).event.status,
      'postponed'
    )
  })

  test('the `listings` array key works as well as `ticket_groups`', async ({ assert }) => {
    const other = await setup({ listingsKey: 'listings' })
    try {
      const eventId = firstEventWithListings(other.simulator)
      const snapshot = await other.connector.fetchMarket(String(eventId), context)
      assert.lengthOf(snapshot.listings!, other.simulator.listings(eventId).length)
    } finally {
      await other.exchange.stop()
      await other.transport.close()
    }
  })

  test('injected faults map to typed errors: 503 → Unavailable, 429 → RateLimited', async ({
    assert,
  }) => {
    const eventId = String(firstEventWithListings(s.simulator))
    s.exchange.setFault(503)
    assert.instanceOf(await rejection(s.connector.fetchMarket(eventId, context)), Unavailable)
    s.exchange.setFault(429)
    const limited = (await rejection(s.connector.fetchMarket(eventId, context))) as RateLimited
    assert.instanceOf(limited, RateLimited)
    assert.equal(limited.retryAfterMs, 1000)
    s.exchange.setFault(null)
    assert.isAbove((await s.connector.fetchMarket(eventId, context)).listings!.length, 0)
  })

  test('an unknown event → EventGone', async ({ assert }) => {
    const error = (await rejection(s.connector.fetchMarket('99999999', context))) as EventGone
    assert.instanceOf(error, EventGone)
    assert.equal(error.eventRef, '99999999')
  })

  test('a wrong secret or token → CredentialRejected; checkCredential ok / not ok', async ({
    assert,
  }) => {
    const eventId = String(firstEventWithListings(s.simulator))
    const badSecret = { credential: { ...sandboxCredential(), secret: 'x'.repeat(40) } }
    const badToken = { credential: { ...sandboxCredential(), token: 'y'.repeat(32) } }
    assert.instanceOf(
      await rejection(s.connector.fetchMarket(eventId, badSecret)),
      CredentialRejected
    )
    assert.instanceOf(await rejection(s.connector.discoverEvents({}, badToken)), CredentialRejected)
    assert.deepEqual(await s.connector.checkCredential(context), { ok: true })
    assert.isFalse((await s.connector.checkCredential(badSecret)).ok)
    assert.isAbove(s.exchange.stats.unauthorized, 0)
  })

  test('the sandbox connector is the same connector under the `sandbox` slug', async ({
    assert,
  }) => {
    const sandbox = createSandboxConnector({ baseUrl: s.exchange.url, transport: s.transport })
    assert.equal(sandbox.slug, 'sandbox')
    assert.instanceOf(sandbox, TicketEvolutionConnector)
    assert.deepEqual(sandbox.capabilities, {
      discover: true,
      market: true,
      checkout: true,
      listings: true,
    })
    const eventId = firstEventWithListings(s.simulator)
    assert.equal((await sandbox.fetchMarket(String(eventId), context)).event.platform, 'sandbox')
  })
})

test.group('ticketevolution ↔ sandbox: orders', (group) => {
  let s: Setup
  let eventId: number
  let listing: NormalisedListing
  group.each.setup(async () => {
    s = await setup()
    eventId = firstEventWithListings(s.simulator)
    // a listing we control: 10 tickets, any split
    const added = s.simulator.addListing(eventId, {
      quantity: 10,
      retailCents: 8_850,
      splitRule: 'any',
      section: '112',
      row: '7',
    })
    const snapshot = await s.connector.fetchMarket(String(eventId), context)
    listing = snapshot.listings!.find((l) => l.ref === String(added.id))!
    return async () => {
      await s.exchange.stop()
      await s.transport.close()
    }
  })

  const request = (quantity: number) => ({
    eventRef: String(eventId),
    listingRef: listing.ref,
    quantity,
    unitPrice: listing.price!,
  })

  test('placeOrder succeeds and the listing loses the tickets', async ({ assert }) => {
    const placed = await s.connector.placeOrder(request(2), 'order-key-1', context)
    assert.isFalse(placed.replayed)
    assert.equal(placed.quantity, 2)
    assert.deepEqual(placed.unitPrice, { amountMinor: 8_850, currency: 'USD' })
    assert.deepEqual(placed.total, { amountMinor: 17_700, currency: 'USD' })
    assert.equal(placed.status, 'pending')
    assert.lengthOf(s.exchange.orders(), 1)
    assert.equal(s.exchange.orders()[0].reference, 'order-key-1')
    assert.equal(s.simulator.listing(Number(listing.ref))!.available, 8)
    const after = await s.connector.fetchMarket(String(eventId), context)
    assert.equal(after.listings!.find((l) => l.ref === listing.ref)!.quantity, 8)
  })

  test('the same idempotency key returns the first order (replayed) and the sandbox holds exactly one', async ({
    assert,
  }) => {
    const first = await s.connector.placeOrder(request(2), 'dup-key', context)
    const second = await s.connector.placeOrder(request(2), 'dup-key', context)
    assert.isFalse(first.replayed)
    assert.isTrue(second.replayed)
    assert.equal(second.ref, first.ref)
    assert.deepEqual(second.total, first.total)
    assert.lengthOf(s.exchange.orders(), 1)
    assert.equal(s.simulator.listing(Number(listing.ref))!.available, 8)
  })

  test('a replay still works after the listing sold out', async ({ assert }) => {
    const first = await s.connector.placeOrder(request(8), 'sell-most', context)
    s.exchange.mutate((sim) => sim.removeListing(Number(listing.ref)))
    const again = await s.connector.placeOrder(request(8), 'sell-most', context)
    assert.isTrue(again.replayed)
    assert.equal(again.ref, first.ref)
    assert.lengthOf(s.exchange.orders(), 1)
  })

  test('a quantity outside the splits is rejected before ordering', async ({ assert }) => {
    s.exchange.mutate((sim) => sim.setSplitRule(Number(listing.ref), 'pairs'))
    const error = (await rejection(
      s.connector.placeOrder(request(3), 'odd', context)
    )) as OrderRejected
    assert.instanceOf(error, OrderRejected)
    assert.equal(error.code, 'invalid_split')
    assert.lengthOf(s.exchange.orders(), 0)
    assert.equal(s.exchange.stats.ordersRejected, 0)
  })

  test('above the per-order limit the sandbox answers 422 → OrderRejected', async ({ assert }) => {
    const error = (await rejection(
      s.connector.placeOrder(request(9), 'too-many', context)
    )) as OrderRejected
    assert.instanceOf(error, OrderRejected)
    assert.equal(error.code, 'quantity')
    assert.include(error.message, 'per-order limit of 8')
    assert.lengthOf(s.exchange.orders(), 0)
    assert.equal(s.exchange.stats.ordersRejected, 1)
    assert.equal(s.simulator.listing(Number(listing.ref))!.available, 10)
  })

  test('a price rise since approval is rejected', async ({ assert }) => {
    s.exchange.mutate((sim) => sim.setPrice(Number(listing.ref), 9_999))
    const error = (await rejection(
      s.connector.placeOrder(request(2), 'dearer', context)
    )) as OrderRejected
    assert.equal(error.code, 'price_increased')
    assert.lengthOf(s.exchange.orders(), 0)
  })

  test('a bad credential cannot order', async ({ assert }) => {
    const bad = { credential: { ...sandboxCredential(), secret: 'z'.repeat(40) } }
    assert.instanceOf(
      await rejection(s.connector.placeOrder(request(2), 'bad', bad)),
      CredentialRejected
    )
    assert.lengthOf(s.exchange.orders(), 0)
  })

  test('findOrder: null before, the order after', async ({ assert }) => {
    assert.isNull(await s.connector.findOrder('lookup-key', context))
    const placed = await s.connector.placeOrder(request(4), 'lookup-key', context)
    const found = await s.connector.findOrder('lookup-key', context)
    assert.deepEqual(found, { ...placed, replayed: true })
  })

  test('accepted but the answer is lost: findOrder reconciles and a retry does not order twice', async ({
    assert,
  }) => {
    s.exchange.setOrderResponse({ mode: 'drop', count: 1 })
    const lost = await rejection(s.connector.placeOrder(request(2), 'crash-key', context))
    assert.instanceOf(lost, Unavailable)
    assert.lengthOf(s.exchange.orders(), 1)
    const found = await s.connector.findOrder('crash-key', context)
    assert.isNotNull(found)
    assert.equal(found!.ref, String(s.exchange.orders()[0].id))
    const retried = await s.connector.placeOrder(request(2), 'crash-key', context)
    assert.isTrue(retried.replayed)
    assert.equal(retried.ref, found!.ref)
    assert.lengthOf(s.exchange.orders(), 1)
    assert.equal(s.simulator.listing(Number(listing.ref))!.available, 8)
  })

  test('the demo credential is the one the sandbox accepts', ({ assert }) => {
    assert.lengthOf(SANDBOX_CREDENTIALS.token, 32)
    assert.lengthOf(SANDBOX_CREDENTIALS.secret, 40)
  })
})
