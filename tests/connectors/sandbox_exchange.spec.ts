/**
 * The sandbox exchange's own protocol, spoken by hand: authentication like
 * TEvo, splits and limits enforced server-side, idempotent orders, the admin
 * hooks and the crash-test response modes.
 */
import { test } from '@japa/runner'
import { request } from 'undici'
import ExchangeServer from '#sandbox/exchange_server'
import MarketSimulator from '#sandbox/market_simulator'
import { SANDBOX_CREDENTIALS } from '#connectors/sandbox/sandbox_credentials'
import { canonicalQuery, signRequest } from '#connectors/ticketevolution/signing'

const START = Date.parse('2026-03-01T12:00:00Z')

interface Raw {
  status: number
  headers: Record<string, unknown>
  json: any
}

function client(base: string) {
  const host = new URL(base).host
  const { token, secret } = SANDBOX_CREDENTIALS
  return {
    async get(
      path: string,
      query: string,
      options: { sign?: string; secret?: string } = {}
    ): Promise<Raw> {
      const signature = signRequest(options.secret ?? secret, {
        method: 'GET',
        host,
        path,
        query: options.sign ?? query,
      })
      const res = await request(`${base}${path}?${query}`, {
        headers: { 'x-token': token, 'x-signature': signature },
      })
      return { status: res.statusCode, headers: res.headers, json: await res.body.json() }
    },
    async post(path: string, body: string, options: { signBody?: string } = {}): Promise<Raw> {
      const signature = signRequest(secret, {
        method: 'POST',
        host,
        path,
        body: options.signBody ?? body,
      })
      const res = await request(`${base}${path}`, {
        method: 'POST',
        body,
        headers: { 'x-token': token, 'x-signature': signature, 'content-type': 'application/json' },
      })
      return { status: res.statusCode, headers: res.headers, json: await res.body.json() }
    },
  }
}

function orderBody(
  listingId: number,
  quantity: number,
  price: string,
  reference: string | null = null
): string {
  return JSON.stringify({
    orders: [
      {
        reference,
        shipped_items: [
          { type: 'Eticket', items: [{ ticket_group_id: listingId, quantity, price }] },
        ],
      },
    ],
  })
}

test.group('sandbox exchange: protocol', (group) => {
  let exchange: ExchangeServer
  let simulator: MarketSimulator
  let api: ReturnType<typeof client>
  let eventId: number

  group.each.setup(async () => {
    simulator = new MarketSimulator({
      seed: 99,
      startMs: START,
      events: 5,
      listingsPerEvent: 6,
      preSaleFraction: 0,
    })
    exchange = new ExchangeServer({ simulator, clock: () => START })
    await exchange.start()
    api = client(exchange.url)
    eventId = simulator.events().find((e) => simulator.listings(e.id).length > 0)!.id
    return () => exchange.stop()
  })

  test('no or bad signature → 401 {"error":"Unauthorized"}', async ({ assert }) => {
    const unsigned = await request(`${exchange.url}/v9/listings?event_id=${eventId}`)
    assert.equal(unsigned.statusCode, 401)
    assert.deepEqual(await unsigned.body.json(), { error: 'Unauthorized' })
    const wrongSecret = await api.get('/v9/listings', `event_id=${eventId}`, { secret: 'nope' })
    assert.equal(wrongSecret.status, 401)
    assert.deepEqual(wrongSecret.json, { error: 'Unauthorized' })
  })

  test('the query must be signed sorted, like TEvo (an unsorted query → 401)', async ({
    assert,
  }) => {
    const sorted = canonicalQuery({ page: 1, per_page: 2 })
    assert.equal((await api.get('/v9/events', sorted)).status, 200)
    const unsorted = 'per_page=2&page=1'
    assert.equal((await api.get('/v9/events', unsorted, { sign: unsorted })).status, 401)
  })

  test('a POST is signed over its exact body', async ({ assert }) => {
    const listing = simulator.listings(eventId)[0]
    const body = orderBody(listing.id, listing.splits[0], '9999.00')
    assert.equal(
      (await api.post('/v9/orders', body, { signBody: body.replace('9999', '9998') })).status,
      401
    )
    assert.lengthOf(exchange.orders(), 0)
  })

  test('listings: all in one response; page/per_page → 400; unknown event → 404', async ({
    assert,
  }) => {
    const res = await api.get('/v9/listings', `event_id=${eventId}`)
    assert.equal(res.status, 200)
    assert.lengthOf(res.json.ticket_groups, simulator.listings(eventId).length)
    assert.equal((await api.get('/v9/listings', `event_id=${eventId}&page=1`)).status, 400)
    assert.equal((await api.get('/v9/listings', 'event_id=1')).status, 404)
    assert.equal((await api.get('/v9/events/1', '')).status, 404)
  })

  test('events carry the TEvo time trap: occurs_at is wall time with Z, occurs_at_local has the offset', async ({
    assert,
  }) => {
    const event = simulator.event(eventId)!
    const res = await api.get(`/v9/events/${eventId}`, '')
    assert.equal(res.json.occurs_at, `${event.localWallTime}Z`)
    assert.equal(res.json.occurs_at_local, `${event.localWallTime}${event.utcOffset}`)
    assert.equal(Date.parse(res.json.occurs_at_local), event.startsAtMs)
  })

  test('splits, per-order limit, wholesale floor and availability are enforced with a 422 errors map', async ({
    assert,
  }) => {
    const listing = simulator.addListing(eventId, {
      quantity: 10,
      splitRule: 'pairs',
      retailCents: 10_000,
    })
    const split = await api.post('/v9/orders', orderBody(listing.id, 3, '100.00'))
    assert.equal(split.status, 422)
    assert.property(split.json.errors, 'quantity')
    const limit = await api.post('/v9/orders', orderBody(listing.id, 10, '100.00'))
    assert.equal(limit.status, 422)
    assert.match(limit.json.errors.quantity[0], /per-order limit of 8/)
    const cheap = await api.post('/v9/orders', orderBody(listing.id, 2, '50.00'))
    assert.equal(cheap.status, 422)
    assert.property(cheap.json.errors, 'price')
    const gone = await api.post('/v9/orders', orderBody(1, 2, '50.00'))
    assert.property(gone.json.errors, 'ticket_group_id')
    const two = JSON.stringify({
      orders: [
        {
          items: [
            { ticket_group_id: listing.id, quantity: 2, price: '100' },
            { ticket_group_id: listing.id, quantity: 2, price: '100' },
          ],
        },
      ],
    })
    assert.property((await api.post('/v9/orders', two)).json.errors, 'items')
    assert.lengthOf(exchange.orders(), 0)
    assert.equal(simulator.listing(listing.id)!.available, 10)
  })

  test('orders are idempotent on their reference and findable by it', async ({ assert }) => {
    const listing = simulator.addListing(eventId, {
      quantity: 6,
      splitRule: 'any',
      retailCents: 5_000,
    })
    const first = await api.post('/v9/orders', orderBody(listing.id, 2, '50.00', 'ref-1'))
    assert.equal(first.status, 201)
    const second = await api.post('/v9/orders', orderBody(listing.id, 2, '50.00', 'ref-1'))
    assert.equal(second.status, 200)
    assert.equal(second.headers['idempotent-replayed'], 'true')
    assert.deepEqual(second.json, first.json)
    assert.lengthOf(exchange.orders(), 1)
    assert.equal(simulator.listing(listing.id)!.available, 4)
    const found = await api.get('/v9/orders', 'reference=ref-1')
    assert.lengthOf(found.json.orders, 1)
    assert.equal(found.json.orders[0].id, first.json.orders[0].id)
    assert.lengthOf((await api.get('/v9/orders', 'reference=other')).json.orders, 0)
  })

  test('admin hook over HTTP: mutate the market, list orders', async ({ assert }) => {
    const listing = simulator.listings(eventId)[0]
    const mutated = await api.post(
      '/__sandbox/mutate',
      JSON.stringify({ op: 'setPrice', listingId: listing.id, retailCents: 4_321 })
    )
    assert.equal(mutated.status, 200)
    const res = await api.get('/v9/listings', `event_id=${eventId}`)
    assert.equal(res.json.ticket_groups.find((l: any) => l.id === listing.id).retail_price, 43.21)
    assert.equal(
      (await api.post('/__sandbox/mutate', JSON.stringify({ op: 'explode' }))).status,
      422
    )
    assert.deepEqual((await api.get('/__sandbox/orders', '')).json, { orders: [] })
  })

  test('delay mode: the order is committed before its answer is sent', async ({ assert }) => {
    const listing = simulator.addListing(eventId, {
      quantity: 4,
      splitRule: 'any',
      retailCents: 5_000,
    })
    await api.post(
      '/__sandbox/order-responses',
      JSON.stringify({ mode: 'delay', delayMs: 300, count: 1 })
    )
    let answered = false
    const pending = api.post('/v9/orders', orderBody(listing.id, 2, '50.00', 'slow')).then((r) => {
      answered = true
      return r
    })
    while (exchange.orders().length === 0) await new Promise((resolve) => setImmediate(resolve))
    assert.isFalse(answered)
    assert.equal((await pending).status, 201)
    // count: 1 → back to normal
    assert.equal(
      (await api.post('/v9/orders', orderBody(listing.id, 2, '50.00', 'fast'))).status,
      201
    )
  })
})
