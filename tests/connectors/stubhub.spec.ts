import { test } from '@japa/runner'
import { CredentialRejected, EventGone, InvalidPayload, Unavailable } from '#connectors/errors'
import StubHubConnector from '#connectors/stubhub/stubhub_connector'
import { StubHubClient } from '#connectors/stubhub/client'
import { FakeClock, testTransport } from '#tests/connectors/helpers/transport'
import { FixtureServer, fixtureJson } from '#tests/connectors/helpers/fixture_server'
import { connectorContractSuite } from '#tests/connectors/contract_suite'

const CLIENT_ID = 'sh-client-id'
const CLIENT_SECRET = 'sh-client-secret-0123456789'
const context = { credential: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET } }
const TOKEN = 'POST /oauth2/token'
const SEARCH = 'GET /catalog/events/search'
const EVENT = 'GET /catalog/events/103964151'

/**
 * No recorded Catalog event exists among the StubHub captures (tests/fixtures/stubhub); this one is
 * built from the Catalog OpenAPI schema (viagogo/stubhub-api-docs
 * static/openapi/catalog.json: Event, Money, EmbeddedVenue, Country) plus the
 * documented `status` values.
 */
function shEvent(overrides: Record<string, unknown> = {}) {
  return {
    id: 103964151,
    name: 'Los Angeles Lakers vs Golden State Warriors',
    start_date: '2026-01-15T03:30:00Z',
    end_date: null,
    on_sale_date: '2025-09-01T17:00:00Z',
    date_confirmed: true,
    time_confirmed: true,
    type: 'Main',
    status: 'Normal',
    min_ticket_price: { amount: 89.5, currency_code: 'USD', display: '$89.50' },
    _links: {
      'self': { href: 'https://api.stubhub.net/catalog/events/103964151' },
      'event:webpage': { href: 'https://www.stubhub.com/event/103964151' },
    },
    _embedded: {
      venue: {
        id: 1,
        name: 'Crypto.com Arena',
        city: 'Los Angeles',
        state_province: 'CA',
        postal_code: '90015',
        latitude: 34.04,
        longitude: -118.27,
        _embedded: { country: { code: 'US', name: 'United States' } },
      },
      categories: [{ id: 1, name: 'Basketball' }],
    },
    ...overrides,
  }
}

async function world() {
  const server = await new FixtureServer().start()
  const clock = new FakeClock(Date.parse('2025-11-20T12:00:00Z'))
  const transport = testTransport(clock)
  const connector = new StubHubConnector(
    new StubHubClient({
      transport,
      apiBase: server.origin,
      tokenUrl: `${server.origin}/oauth2/token`,
      clock,
    }),
    clock
  )
  server.on(TOKEN, { body: fixtureJson('stubhub/oauth-token-response.docs.json') })
  return {
    server,
    clock,
    connector,
    cleanup: async () => {
      await transport.close()
      await server.close()
    },
  }
}

const searchPage = (items: unknown[], next = true) => ({
  total_items: 250,
  page: 1,
  page_size: 100,
  _links: {
    self: { href: '/catalog/events/search?page=1' },
    ...(next ? { next: { href: '/catalog/events/search?page=2' } } : {}),
  },
  _embedded: { items },
})

connectorContractSuite('stubhub', async () => {
  const w = await world()
  w.server
    .on(EVENT, { body: shEvent(), headers: { 'content-type': 'application/hal+json' } })
    .on(SEARCH, { body: searchPage([shEvent()]) })
    .on('GET /catalog/events/1', {
      status: 404,
      body: { code: 'not_found', message: 'Event not found' },
    })
  return {
    connector: w.connector,
    context,
    eventRef: '103964151',
    goneRef: '1',
    secrets: [CLIENT_SECRET, 'pYXQiOjE0MjI1MzY0NjEsInNjb3BlIjo'],
    breakServer: () => w.server.on(EVENT, { status: 500, body: { code: 'internal_server_error' } }),
    cleanup: w.cleanup,
  }
})

test.group('stubhub', (group) => {
  let w: Awaited<ReturnType<typeof world>>
  group.each.setup(async () => {
    w = await world()
    return () => w.cleanup()
  })

  test('client-credentials token: Basic auth, form body, scope read:events; Bearer on API calls', async ({
    assert,
  }) => {
    w.server.on(EVENT, { body: shEvent() })
    await w.connector.fetchMarket('103964151', context)
    const tokenRequest = w.server.last(TOKEN)
    assert.equal(
      tokenRequest.headers.authorization,
      `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`
    )
    assert.deepEqual(Object.fromEntries(new URLSearchParams(tokenRequest.body)), {
      grant_type: 'client_credentials',
      scope: 'read:events',
    })
    assert.equal(
      w.server.last(EVENT).headers.authorization,
      'Bearer pYXQiOjE0MjI1MzY0NjEsInNjb3BlIjo'
    )
    assert.match(String(w.server.last(EVENT).headers['user-agent']), /^HDTickets\//)
  })

  test('the token is cached until shortly before expiry', async ({ assert }) => {
    w.server.on(EVENT, { body: shEvent() })
    await w.connector.fetchMarket('103964151', context)
    await w.connector.fetchMarket('103964151', context)
    assert.equal(w.server.hits(TOKEN), 1)
    w.clock.advance(86_400_000 - 60_000)
    await w.connector.fetchMarket('103964151', context)
    assert.equal(w.server.hits(TOKEN), 2, 'renewed inside the safety margin')
  })

  test('invalid_client → CredentialRejected, the POST is not retried, checkCredential says so', async ({
    assert,
  }) => {
    w.server.on(TOKEN, {
      status: 400,
      body: fixtureJson('stubhub/error-oauth-invalid-client.json'),
    })
    const error = await w.connector.fetchMarket('103964151', context).catch((e) => e)
    assert.instanceOf(error, CredentialRejected)
    assert.include(error.message, 'invalid_client')
    assert.notInclude(error.message, CLIENT_SECRET)
    assert.equal(w.server.hits(TOKEN), 1)
    assert.equal(w.server.hits(EVENT), 0)
    assert.isFalse((await w.connector.checkCredential(context)).ok)
  })

  test('a 5xx from the token endpoint is Unavailable and never retried (POST)', async ({
    assert,
  }) => {
    w.server.on(TOKEN, { status: 503, body: '' })
    assert.instanceOf(
      await w.connector.fetchMarket('103964151', context).catch((e) => e),
      Unavailable
    )
    assert.equal(w.server.hits(TOKEN), 1)
  })

  test('a 401 on a cached token gets one fresh token and one retry', async ({ assert }) => {
    w.server.on(EVENT, [
      { status: 401, body: { code: 'invalid_token', message: 'expired' } },
      { body: shEvent() },
    ])
    const snapshot = await w.connector.fetchMarket('103964151', context)
    assert.equal(snapshot.event.ref, '103964151')
    assert.equal(w.server.hits(TOKEN), 2)
    assert.equal(w.server.hits(EVENT), 2)
  })

  test('event, status, on-sale date and min_ticket_price as Money', async ({ assert }) => {
    w.server.on(EVENT, { body: shEvent() })
    const snapshot = await w.connector.fetchMarket('103964151', context)
    assert.containsSubset(snapshot.event, {
      ref: '103964151',
      url: 'https://www.stubhub.com/event/103964151',
      status: 'onsale',
      startsAt: '2026-01-15T03:30:00.000Z',
      venue: 'Crypto.com Arena',
      city: 'Los Angeles',
      country: 'US',
      publicSale: { name: 'On sale', startsAt: '2025-09-01T17:00:00.000Z', endsAt: null },
    })
    assert.deepEqual(snapshot.summary.min, { amountMinor: 8950, currency: 'USD' })
    assert.isNull(snapshot.summary.max)
    assert.isNull(snapshot.listings)
  })

  test('minor units follow the currency exponent (GBP 2, JPY 0, KWD 3); a null amount is no price', async ({
    assert,
  }) => {
    const cases: Array<[unknown, unknown]> = [
      [
        { amount: 45.5, currency_code: 'gbp' },
        { amountMinor: 4550, currency: 'GBP' },
      ],
      [
        { amount: 5000, currency_code: 'JPY' },
        { amountMinor: 5000, currency: 'JPY' },
      ],
      [
        { amount: 12.345, currency_code: 'KWD' },
        { amountMinor: 12345, currency: 'KWD' },
      ],
      [{ amount: null, currency_code: 'USD' }, null],
      [null, null],
    ]
    for (const [price, expected] of cases) {
      w.server.on(EVENT, { body: shEvent({ min_ticket_price: price }) })
      assert.deepEqual((await w.connector.fetchMarket('103964151', context)).summary.min, expected)
    }
  })

  test('status mapping, and Deleted is EventGone', async ({ assert }) => {
    const cases: Array<[string, string]> = [
      ['Postponed', 'postponed'],
      ['Cancelled', 'cancelled'],
      ['Rescheduled', 'rescheduled'],
      ['RelocatedAndRescheduled', 'rescheduled'],
      ['Relocated', 'onsale'],
      ['Contingent', 'onsale'],
    ]
    for (const [status, expected] of cases) {
      w.server.on(EVENT, { body: shEvent({ status }) })
      assert.equal(
        (await w.connector.fetchMarket('103964151', context)).event.status,
        expected,
        status
      )
    }
    w.server.on(EVENT, { body: shEvent({ status: 'Deleted' }) })
    assert.instanceOf(
      await w.connector.fetchMarket('103964151', context).catch((e) => e),
      EventGone
    )
  })

  test('an unconfirmed date is TBD; an unknown currency names the path', async ({ assert }) => {
    w.server.on(EVENT, { body: shEvent({ date_confirmed: false }) })
    const { event } = await w.connector.fetchMarket('103964151', context)
    assert.isTrue(event.dateTbd)
    assert.isNull(event.startsAt)
    w.server.on(EVENT, {
      body: shEvent({ min_ticket_price: { amount: 1, currency_code: 'DOLLARS' } }),
    })
    const error = await w.connector.fetchMarket('103964151', context).catch((e) => e)
    assert.instanceOf(error, InvalidPayload)
    assert.equal(error.path, '$.min_ticket_price.currency_code')
  })

  test('discovery: q, 1-based page, page_size; next link → next page; empty _embedded ends', async ({
    assert,
  }) => {
    w.server.on(SEARCH, [
      { body: searchPage([shEvent(), shEvent({ id: 2, status: 'Deleted' })]) },
      { body: { total_items: 0, page: 3, page_size: 100, _links: {} } },
    ])
    const first = await w.connector.discoverEvents({ keyword: 'lakers', pageSize: 100 }, context)
    const q = w.server.last(SEARCH).query
    assert.equal(q.get('q'), 'lakers')
    assert.equal(q.get('page'), '1')
    assert.equal(q.get('page_size'), '100')
    assert.lengthOf(first.events, 1, 'deleted events are dropped')
    assert.equal(first.nextPage, 2)
    const empty = await w.connector.discoverEvents({ keyword: 'lakers', page: 3 }, context)
    assert.deepEqual(empty, { events: [], summaries: {}, skipped: [], nextPage: null, total: 0 })
  })
})
