/**
 * The connector's HTTP edge with the transport stubbed: request shape and
 * signing, and every error status mapped to its typed error.
 */
import { test } from '@japa/runner'
import { fixture as readFixture } from '#tests/helpers/fixtures'
import {
  CredentialRejected,
  EventGone,
  InvalidPayload,
  OrderRejected,
  RateLimited,
  Unavailable,
} from '#connectors/errors'
import type { HttpRequest, HttpResponse, HttpTransport } from '#connectors/ticketevolution/client'
import { retryAfterMs } from '#connectors/ticketevolution/client'
import { signRequest } from '#connectors/ticketevolution/signing'
import TicketEvolutionConnector from '#connectors/ticketevolution/ticketevolution_connector'

function fixture(name: string): string {
  return readFixture(`ticketevolution/${name}`)
}

type Route = (req: HttpRequest) => Partial<HttpResponse>

class StubTransport implements HttpTransport {
  readonly requests: HttpRequest[] = []
  constructor(private readonly route: Route) {}
  async request(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(req)
    const res = this.route(req)
    return {
      status: res.status ?? 200,
      headers: res.headers ?? { 'content-type': 'application/json' },
      body: res.body ?? '',
    }
  }
}

const credential = { token: 'T0KEN', secret: 'very-secret-value-0123456789', office_id: '42' }
const context = { credential }
const eventBody = fixture('event-show.docs-excerpt.json')
const groupsBody = JSON.stringify({
  ticket_groups: JSON.parse(fixture('ticket-groups.seatmaps-client-mock-2019.json')),
})

function connector(route: Route) {
  const transport = new StubTransport(route)
  const instance = new TicketEvolutionConnector({
    transport,
    baseUrl: 'https://api.sandbox.ticketevolution.com',
    clock: () => new Date('2017-06-01T00:00:00Z'),
  })
  return { transport, instance }
}

const market = (req: HttpRequest): Partial<HttpResponse> =>
  req.url.includes('/v9/listings') ? { body: groupsBody } : { body: eventBody }

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}

test.group('ticketevolution connector: requests', () => {
  test('fetchMarket signs GET /v9/events/:id and GET /v9/listings?event_id= (no pagination)', async ({
    assert,
  }) => {
    const { transport, instance } = connector(market)
    const snapshot = await instance.fetchMarket('1074357', context)
    assert.lengthOf(snapshot.listings!, 5)
    assert.equal(snapshot.event.startsAt, '2017-06-25T02:10:00.000Z')
    assert.equal(snapshot.summary.min?.amountMinor, 18793)
    const urls = transport.requests.map((r) => r.url).sort()
    assert.deepEqual(urls, [
      'https://api.sandbox.ticketevolution.com/v9/events/1074357?',
      'https://api.sandbox.ticketevolution.com/v9/listings?event_id=1074357',
    ])
    for (const req of transport.requests) {
      const url = new URL(req.url)
      assert.equal(req.method, 'GET')
      assert.isTrue(req.idempotent)
      assert.equal(req.headers!['x-token'], 'T0KEN')
      assert.equal(
        req.headers!['x-signature'],
        signRequest(credential.secret, {
          method: 'GET',
          host: url.host,
          path: url.pathname,
          query: url.search.slice(1),
        })
      )
      assert.notInclude(req.url, credential.secret)
      assert.notInclude(JSON.stringify(req.headers), credential.secret)
    }
  })

  test('discoverEvents sends q, date bounds, 1-based page and per_page capped at 100', async ({
    assert,
  }) => {
    const { transport, instance } = connector(() => ({
      body: JSON.stringify({
        current_page: 2,
        per_page: 100,
        total_entries: 250,
        events: [JSON.parse(eventBody)],
      }),
    }))
    const page = await instance.discoverEvents(
      {
        keyword: 'Diamondbacks',
        performer: '123',
        from: '2017-06-01',
        to: '2017-07-01',
        page: 2,
        pageSize: 500,
      },
      context
    )
    const url = new URL(transport.requests[0].url)
    assert.equal(url.pathname, '/v9/events')
    assert.equal(
      url.search,
      '?occurs_at.gte=2017-06-01&occurs_at.lt=2017-07-01&page=2&per_page=100&performer_id=123&q=Diamondbacks'
    )
    assert.equal(page.nextPage, 3)
    assert.equal(page.total, 250)
    assert.equal(page.events[0].ref, '1074357')
  })

  test('the last page has no next page', async ({ assert }) => {
    const { instance } = connector(() => ({
      body: JSON.stringify({
        current_page: 3,
        per_page: 100,
        total_entries: 250,
        events: [JSON.parse(eventBody)],
      }),
    }))
    assert.isNull((await instance.discoverEvents({ page: 3 }, context)).nextPage)
  })

  test('placeOrder POSTs one order with one item, the key as reference, and signs the exact body', async ({
    assert,
  }) => {
    const { transport, instance } = connector((req) => {
      if (req.method === 'POST') {
        const order = JSON.parse(req.body!).orders[0]
        return {
          status: 201,
          body: JSON.stringify({
            orders: [
              {
                id: 9,
                state: 'pending',
                reference: order.reference,
                total: '379.66',
                items: [{ ticket_group: { id: 535853322 }, quantity: 2, price: '189.83' }],
              },
            ],
          }),
        }
      }
      if (req.url.includes('/v9/orders')) return { body: '{"orders":[]}' }
      return market(req)
    })
    const placed = await instance.placeOrder(
      {
        eventRef: '1591449',
        listingRef: '548276496',
        quantity: 2,
        unitPrice: { amountMinor: 21012, currency: 'USD' },
      },
      'key-1',
      context
    )
    assert.deepEqual(placed, {
      ref: '9',
      status: 'pending',
      quantity: 2,
      unitPrice: { amountMinor: 18983, currency: 'USD' },
      total: { amountMinor: 37966, currency: 'USD' },
      replayed: false,
    })
    const post = transport.requests.find((r) => r.method === 'POST')!
    assert.isFalse(post.idempotent)
    assert.deepEqual(JSON.parse(post.body!), {
      orders: [
        {
          seller_id: 42,
          reference: 'key-1',
          shipped_items: [
            {
              type: 'FedEx',
              items: [{ ticket_group_id: 548276496, quantity: 2, price: '210.12' }],
            },
          ],
        },
      ],
    })
    assert.equal(
      post.headers!['x-signature'],
      signRequest(credential.secret, {
        method: 'POST',
        host: 'api.sandbox.ticketevolution.com',
        path: '/v9/orders',
        body: post.body!,
      })
    )
    // reconciliation first, then the listing re-check, then the order
    assert.deepEqual(
      transport.requests.map((r) => `${r.method} ${new URL(r.url).pathname}`),
      ['GET /v9/orders', 'GET /v9/listings', 'POST /v9/orders']
    )
  })

  test('placeOrder re-checks splits, quantity and price before ordering', async ({ assert }) => {
    const { transport, instance } = connector((req) =>
      req.url.includes('/v9/orders') ? { body: '{"orders":[]}' } : market(req)
    )
    const order = (listingRef: string, quantity: number, amountMinor = 100_000) =>
      rejection(
        instance.placeOrder(
          {
            eventRef: '1591449',
            listingRef,
            quantity,
            unitPrice: { amountMinor, currency: 'USD' },
          },
          'k',
          context
        )
      )
    const split = (await order('548276496', 5)) as OrderRejected
    assert.instanceOf(split, OrderRejected)
    assert.equal(split.code, 'invalid_split')
    assert.equal(((await order('539520858', 2)) as OrderRejected).code, 'insufficient_quantity')
    assert.equal(((await order('1', 1)) as OrderRejected).code, 'listing_gone')
    assert.equal(((await order('548276496', 2, 20_000)) as OrderRejected).code, 'price_increased')
    assert.isFalse(transport.requests.some((r) => r.method === 'POST'))
  })
})

test.group('ticketevolution connector: error mapping', () => {
  test('401 → CredentialRejected (fixture body), without leaking the secret', async ({
    assert,
  }) => {
    const { instance } = connector(() => ({
      status: 401,
      body: fixture('error-401-unauthorized.v8-cassette.json'),
    }))
    const error = await rejection(instance.fetchMarket('1074357', context))
    assert.instanceOf(error, CredentialRejected)
    assert.notInclude(error.message, credential.secret)
    assert.equal(
      error.message,
      'ticketevolution: credential rejected by GET /v9/events/:id (HTTP 401)'
    )
    const check = await instance.checkCredential(context)
    assert.isFalse(check.ok)
    assert.include((check as { reason: string }).reason, 'HTTP 401')
  })

  test('no credential → CredentialRejected; checkCredential says not ok', async ({ assert }) => {
    const { transport, instance } = connector(market)
    assert.instanceOf(
      await rejection(instance.fetchMarket('1', { credential: null })),
      CredentialRejected
    )
    assert.isFalse((await instance.checkCredential({ credential: { token: 'x' } })).ok)
    assert.lengthOf(transport.requests, 0)
  })

  test('checkCredential ok on a 200', async ({ assert }) => {
    const { transport, instance } = connector(() => ({ body: '{"events":[]}' }))
    assert.deepEqual(await instance.checkCredential(context), { ok: true })
    assert.equal(
      transport.requests[0].url,
      'https://api.sandbox.ticketevolution.com/v9/events?page=1&per_page=1'
    )
  })

  test('404 on the event → EventGone naming the event', async ({ assert }) => {
    const { instance } = connector((req) =>
      req.url.includes('/v9/events/') ? { status: 404, body: '{"error":"Not Found"}' } : market(req)
    )
    const error = (await rejection(instance.fetchMarket('1074357', context))) as EventGone
    assert.instanceOf(error, EventGone)
    assert.equal(error.eventRef, '1074357')
  })

  test('429 → RateLimited with Retry-After (seconds or HTTP date), null without', async ({
    assert,
  }) => {
    const limited = connector(() => ({ status: 429, headers: { 'retry-after': '7' }, body: '' }))
    const error = (await rejection(limited.instance.fetchMarket('1', context))) as RateLimited
    assert.instanceOf(error, RateLimited)
    assert.equal(error.retryAfterMs, 7000)
    const bare = connector(() => ({ status: 429, body: '' }))
    assert.isNull(
      ((await rejection(bare.instance.fetchMarket('1', context))) as RateLimited).retryAfterMs
    )
    assert.equal(
      retryAfterMs(
        { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' },
        Date.parse('2026-01-01T00:00:00Z')
      ),
      30_000
    )
  })

  test('5xx → Unavailable', async ({ assert }) => {
    const { instance } = connector(() => ({
      status: 503,
      body: '<html>down</html>',
      headers: { 'content-type': 'text/html' },
    }))
    assert.instanceOf(await rejection(instance.fetchMarket('1', context)), Unavailable)
  })

  test('HTML, truncated JSON or an empty body on a 200 → InvalidPayload at $', async ({
    assert,
  }) => {
    for (const body of ['<!doctype html><title>hi</title>', groupsBody.slice(0, 200), '']) {
      const { instance } = connector((req) =>
        req.url.includes('/v9/listings')
          ? { body, headers: { 'content-type': 'text/html' } }
          : market(req)
      )
      const error = (await rejection(instance.fetchMarket('1591449', context))) as InvalidPayload
      assert.instanceOf(error, InvalidPayload)
      assert.equal(error.path, '$')
      assert.equal(error.endpoint, 'GET /v9/listings')
      assert.equal(error.eventRef, '1591449')
    }
  })

  test('a schema violation in one listing: that listing is reported (id + JSON path) and left out, the others are read', async ({
    assert,
  }) => {
    const groups = JSON.parse(fixture('ticket-groups.seatmaps-client-mock-2019.json'))
    groups[3].splits = 'all'
    const { instance } = connector((req) =>
      req.url.includes('/v9/listings')
        ? { body: JSON.stringify({ ticket_groups: groups }) }
        : market(req)
    )
    const snapshot = await instance.fetchMarket('1591449', context)
    assert.notInclude(
      snapshot.listings!.map((listing) => listing.ref),
      String(groups[3].id)
    )
    assert.isAbove(snapshot.listings!.length, 0)
    assert.deepEqual(
      snapshot.problems?.map(({ item, ref, path }) => ({ item, ref, path })),
      [{ item: 'listing', ref: String(groups[3].id), path: '$.ticket_groups[3].splits' }]
    )
  })

  test('422 on an order with an errors map → OrderRejected; without one → InvalidPayload', async ({
    assert,
  }) => {
    const withMap = connector((req) => {
      if (req.method === 'POST')
        return { status: 422, body: fixture('error-422-validation.v8-cassette.json') }
      return req.url.includes('/v9/orders') ? { body: '{"orders":[]}' } : market(req)
    })
    const request = {
      eventRef: '1591449',
      listingRef: '548276496',
      quantity: 2,
      unitPrice: { amountMinor: 21012, currency: 'USD' },
    }
    const rejected = (await rejection(
      withMap.instance.placeOrder(request, 'k', context)
    )) as OrderRejected
    assert.instanceOf(rejected, OrderRejected)
    assert.equal(rejected.code, 'name')
    assert.include(rejected.message, "can't be blank")
    const withoutMap = connector((req) => {
      if (req.method === 'POST') return { status: 422, body: '{"error":"nope"}' }
      return req.url.includes('/v9/orders') ? { body: '{"orders":[]}' } : market(req)
    })
    assert.instanceOf(
      await rejection(withoutMap.instance.placeOrder(request, 'k', context)),
      InvalidPayload
    )
  })

  test('a transport failure on the order POST surfaces as Unavailable (caller reconciles with findOrder)', async ({
    assert,
  }) => {
    const transport: HttpTransport = {
      async request(req) {
        if (req.method === 'POST') throw new Unavailable(req.source, 'socket hang up')
        if (req.url.includes('/v9/orders'))
          return { status: 200, headers: {}, body: '{"orders":[]}' }
        return { status: 200, headers: {}, body: market(req).body! }
      },
    }
    const instance = new TicketEvolutionConnector({ transport })
    const request = {
      eventRef: '1591449',
      listingRef: '548276496',
      quantity: 2,
      unitPrice: { amountMinor: 21012, currency: 'USD' },
    }
    assert.instanceOf(await rejection(instance.placeOrder(request, 'k', context)), Unavailable)
  })
})
