import { test } from '@japa/runner'
import { CredentialRejected, EventGone, InvalidPayload, SourceBlocked } from '#connectors/errors'
import SeatGeekConnector from '#connectors/seatgeek/seatgeek_connector'
import { SeatGeekClient } from '#connectors/seatgeek/client'
import { FakeClock, testTransport } from '#tests/connectors/helpers/transport'
import { CAPTCHA_PAGE, FixtureServer, fixtureJson } from '#tests/connectors/helpers/fixture_server'
import { connectorContractSuite } from '#tests/connectors/contract_suite'

const CLIENT_ID = 'sg-client-id-abc123'
const CLIENT_SECRET = 'sg-client-secret-xyz789'
const context = { credential: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET } }
const SEARCH = 'GET /2/events'
const page = () => fixtureJson('seatgeek/events-page.2020.json')
const eventById = (id: number) => page().events.find((e: { id: number }) => e.id === id)
const route = (id: number | string) => `GET /2/events/${id}`

async function world(now = '2020-03-01T00:00:00Z') {
  const server = await new FixtureServer().start()
  const clock = new FakeClock(Date.parse(now))
  const transport = testTransport(clock)
  const connector = new SeatGeekConnector(
    new SeatGeekClient(transport, `${server.origin}/2`),
    clock
  )
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

connectorContractSuite('seatgeek', async () => {
  const w = await world()
  w.server
    .on(route(4881530), { body: eventById(4881530) })
    .on(SEARCH, { body: page() })
    .on(route(999), {
      status: 404,
      body: { status: 404, message: 'Not found', meta: { status: 404 } },
    })
  return {
    connector: w.connector,
    context,
    eventRef: '4881530',
    goneRef: '999',
    secrets: [CLIENT_ID, CLIENT_SECRET],
    breakServer: () => w.server.on(route(4881530), { status: 502, body: 'bad gateway' }),
    cleanup: w.cleanup,
  }
})

test.group('seatgeek: market', (group) => {
  let w: Awaited<ReturnType<typeof world>>
  group.each.setup(async () => {
    w = await world()
    return () => w.cleanup()
  })

  test('stats → USD minor units, fees included; naive datetime_utc gets a Z; taxonomies → sport/league', async ({
    assert,
  }) => {
    w.server.on(route(4881530), { body: eventById(4881530) })
    const snapshot = await w.connector.fetchMarket('4881530', context)
    const q = w.server.last(route(4881530)).query
    assert.equal(q.get('client_id'), CLIENT_ID)
    assert.equal(q.get('client_secret'), CLIENT_SECRET)
    assert.deepEqual(snapshot.summary, {
      min: { amountMinor: 9600, currency: 'USD' },
      max: { amountMinor: 9800, currency: 'USD' },
      median: { amountMinor: 9700, currency: 'USD' },
      average: { amountMinor: 9700, currency: 'USD' },
      feesIncluded: true,
      listingCount: 1,
    })
    assert.containsSubset(snapshot.event, {
      ref: '4881530',
      startsAt: '2020-03-03T12:00:00.000Z',
      timezone: 'America/New_York',
      sport: 'golf',
      league: 'PGA',
      country: 'US',
      city: 'Orlando',
      status: 'onsale',
      dateTbd: false,
    })
    assert.isNull(snapshot.listings)
  })

  test('all-null stats mean "no price known", never 0; home/away from performers', async ({
    assert,
  }) => {
    w.server.on(route(5107607), { body: eventById(5107607) })
    const snapshot = await w.connector.fetchMarket('5107607', context)
    assert.deepEqual(snapshot.summary, {
      min: null,
      max: null,
      median: null,
      average: null,
      feesIncluded: null,
      listingCount: null,
    })
    assert.containsSubset(snapshot.event, {
      homeTeam: 'Towson Tigers Baseball',
      awayTeam: 'UMBC Retrievers Baseball',
      sport: 'baseball',
      league: 'ncaa baseball',
      status: 'scheduled',
    })
  })

  test('withheld stats ({} or absent, the norm since 2024) are no price too', async ({
    assert,
  }) => {
    const empty = { ...eventById(4881530), stats: {} }
    const absent = { ...eventById(4881530) }
    delete absent.stats
    w.server.on(route(4881530), [{ body: empty }, { body: absent }])
    for (let i = 0; i < 2; i++) {
      const { summary } = await w.connector.fetchMarket('4881530', context)
      assert.isNull(summary.min)
      assert.isNull(summary.listingCount)
    }
  })

  test('time_tbd hides the placeholder time: local date only, dateTbd; country name → ISO code', async ({
    assert,
  }) => {
    w.server.on(route(5225201), { body: eventById(5225201) })
    const { event } = await w.connector.fetchMarket('5225201', context)
    assert.isTrue(event.dateTbd)
    assert.equal(
      event.startsAt,
      '2020-03-03T03:00:00.000Z',
      'midnight in America/Sao_Paulo, not the 03:30 placeholder'
    )
    assert.equal(event.country, 'BR')
    assert.isNull(event.sport, 'a concert has no sport')
  })

  test('status mapping: cancelled, postponed, rescheduled', async ({ assert }) => {
    for (const status of ['cancelled', 'postponed', 'rescheduled']) {
      w.server.on(route(4881530), { body: { ...eventById(4881530), status } })
      assert.equal((await w.connector.fetchMarket('4881530', context)).event.status, status)
    }
  })

  test('a wrong type in stats names the path', async ({ assert }) => {
    w.server.on(route(4881530), {
      body: { ...eventById(4881530), stats: { lowest_price: 'cheap' } },
    })
    const error = await w.connector.fetchMarket('4881530', context).catch((e) => e)
    assert.instanceOf(error, InvalidPayload)
    assert.equal(error.path, '$.stats.lowest_price')
    assert.equal(error.eventRef, '4881530')
  })

  test('404 → EventGone', async ({ assert }) => {
    w.server.on(route(1), {
      status: 404,
      body: { status: 404, message: 'Not found', meta: { status: 404 } },
    })
    assert.instanceOf(await w.connector.fetchMarket('1', context).catch((e) => e), EventGone)
  })

  test('a PerimeterX CAPTCHA page is SourceBlocked and NOT retried', async ({ assert }) => {
    w.server.on(route(4881530), {
      status: 200,
      body: CAPTCHA_PAGE,
      headers: { 'content-type': 'text/html' },
    })
    const error = await w.connector.fetchMarket('4881530', context).catch((e) => e)
    assert.instanceOf(error, SourceBlocked)
    assert.include(error.reason, 'PerimeterX')
    assert.equal(w.server.hits(route(4881530)), 1)

    w.server.on(route(4881530), {
      status: 403,
      body: CAPTCHA_PAGE,
      headers: { 'content-type': 'text/html' },
    })
    const forbidden = await w.connector.fetchMarket('4881530', context).catch((e) => e)
    assert.instanceOf(
      forbidden,
      SourceBlocked,
      'a 403 with a bot-check body is a block, not a bad credential'
    )
    assert.equal(w.server.hits(route(4881530)), 2)
  })

  test('HTTP 406 from the edge is SourceBlocked and NOT retried', async ({ assert }) => {
    w.server.on(route(4881530), { status: 406, body: '' })
    const error = await w.connector.fetchMarket('4881530', context).catch((e) => e)
    assert.instanceOf(error, SourceBlocked)
    assert.include(error.reason, '406')
    assert.equal(w.server.hits(route(4881530)), 1)
  })
})

test.group('seatgeek: discovery and errors', (group) => {
  let w: Awaited<ReturnType<typeof world>>
  group.each.setup(async () => {
    w = await world()
    return () => w.cleanup()
  })

  test('query, performer, taxonomy, 1-based page, per_page capped at 1000', async ({ assert }) => {
    w.server.on(SEARCH, { body: page() })
    const result = await w.connector.discoverEvents(
      {
        keyword: 'golf',
        performer: 'arnold-palmer-invitational',
        pageSize: 5000,
        from: '2020-03-01T00:00:00.000Z',
      },
      context
    )
    const q = w.server.last(SEARCH).query
    assert.equal(q.get('q'), 'golf')
    assert.equal(q.get('performers.slug'), 'arnold-palmer-invitational')
    assert.equal(q.get('taxonomies.name'), 'sports')
    assert.equal(q.get('per_page'), '1000')
    assert.equal(q.get('page'), '1')
    assert.equal(q.get('datetime_utc.gte'), '2020-03-01T00:00:00')
    assert.lengthOf(result.events, 3)
    assert.equal(result.nextPage, 2)
    assert.equal(result.total, 134845)
  })

  test('the empty page past ~10k results means stop (its total of 0 is not trusted)', async ({
    assert,
  }) => {
    w.server.on(SEARCH, { body: fixtureJson('seatgeek/events-page-empty-beyond-10k-results.json') })
    assert.deepEqual(await w.connector.discoverEvents({ page: 9, pageSize: 1000 }, context), {
      events: [],
      summaries: {},
      skipped: [],
      nextPage: null,
      total: null,
    })
    assert.deepEqual(await w.connector.discoverEvents({ page: 11, pageSize: 1000 }, context), {
      events: [],
      nextPage: null,
      total: null,
    })
    assert.equal(w.server.hits(SEARCH), 1, 'page 11 × 1000 is past the window: not requested')
  })

  test('403 "Client is required" → CredentialRejected; checkCredential reports it', async ({
    assert,
  }) => {
    w.server.on(SEARCH, {
      status: 403,
      body: fixtureJson('seatgeek/error-403-client-required.json'),
    })
    const error = await w.connector.discoverEvents({}, context).catch((e) => e)
    assert.instanceOf(error, CredentialRejected)
    assert.include(error.message, '40307')
    assert.notInclude(error.message, CLIENT_SECRET)
    assert.deepEqual(await w.connector.checkCredential(context), {
      ok: false,
      reason: error.message,
    })
  })

  test("400 page size too large → InvalidPayload carrying SeatGeek's message, not retried", async ({
    assert,
  }) => {
    w.server.on(SEARCH, {
      status: 400,
      body: fixtureJson('seatgeek/error-400-page-size-too-large.json'),
    })
    const error = await w.connector.discoverEvents({}, context).catch((e) => e)
    assert.instanceOf(error, InvalidPayload)
    assert.include(error.message, 'page size too large')
    assert.equal(w.server.hits(SEARCH), 1)
  })

  test('no client_id → CredentialRejected before any call', async ({ assert }) => {
    assert.instanceOf(
      await w.connector.discoverEvents({}, { credential: {} }).catch((e) => e),
      CredentialRejected
    )
    assert.equal(w.server.hits(), 0)
  })
})
