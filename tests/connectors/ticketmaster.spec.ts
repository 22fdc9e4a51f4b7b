import { test } from '@japa/runner'
import {
  CredentialRejected,
  EventGone,
  InvalidPayload,
  RateLimited,
  Unavailable,
} from '#connectors/errors'
import TicketmasterConnector from '#connectors/ticketmaster/ticketmaster_connector'
import { TicketmasterClient } from '#connectors/ticketmaster/client'
import type { HttpTransport } from '#connectors/transport/http_transport'
import { FakeClock, testTransport } from '#tests/connectors/helpers/transport'
import {
  FixtureServer,
  PLAIN_HTML_ERROR,
  fixture,
  fixtureJson,
} from '#tests/connectors/helpers/fixture_server'
import { connectorContractSuite } from '#tests/connectors/contract_suite'

const API_KEY = 'tm-secret-key-9f8e7d'
const context = { credential: { apikey: API_KEY } }
const DETAIL = 'GET /discovery/v2/events/G5diZfkn0B-bh.json'
const SEARCH = 'GET /discovery/v2/events.json'
const detail = () => fixtureJson('ticketmaster/discovery-event-detail.official-docs-2016.json')
const nbaPage = () => fixtureJson('ticketmaster/discovery-events-page.nba-sports-2022.json')
const notFound = {
  errors: [{ code: 'DIS1004', detail: 'Resource not found with provided criteria', status: '404' }],
}

async function world(options: { now?: string; readTimeoutMs?: number } = {}) {
  const server = await new FixtureServer().start()
  const clock = new FakeClock(Date.parse(options.now ?? '2016-06-01T00:00:00Z'))
  const transport: HttpTransport = testTransport(clock, {
    limits: { ticketmaster: { requestsPerSecond: 5, requestsPerDay: 5000 } },
    ...(options.readTimeoutMs ? { readTimeoutMs: options.readTimeoutMs } : {}),
  })
  const connector = new TicketmasterConnector(
    new TicketmasterClient(transport, `${server.origin}/discovery/v2`, clock),
    clock
  )
  const cleanup = async () => {
    await transport.close()
    await server.close()
  }
  return { server, clock, transport, connector, cleanup }
}

connectorContractSuite('ticketmaster', async () => {
  const w = await world()
  w.server
    .on(DETAIL, { body: detail() })
    .on(SEARCH, { body: nbaPage() })
    .on('GET /discovery/v2/events/Gone1.json', { status: 404, body: notFound })
  return {
    connector: w.connector,
    context,
    eventRef: 'G5diZfkn0B-bh',
    goneRef: 'Gone1',
    secrets: [API_KEY],
    breakServer: () =>
      w.server.on(DETAIL, { status: 500, body: { fault: { faultstring: `key ${API_KEY}` } } }),
    cleanup: w.cleanup,
  }
})

test.group('ticketmaster: market', (group) => {
  let w: Awaited<ReturnType<typeof world>>
  group.each.setup(async () => {
    w = await world()
    return () => w.cleanup()
  })

  test('normalises the official event detail: status, start, zone, sale window, price range', async ({
    assert,
  }) => {
    w.server.on(DETAIL, {
      body: detail(),
      headers: JSON.parse(
        fixture('ticketmaster/rate-limit-headers.official-docs-2016.json').replace(
          /\[[^\]]*\]/,
          '"apikey"'
        )
      ),
    })
    const snapshot = await w.connector.fetchMarket('G5diZfkn0B-bh', context)
    assert.equal(w.server.last(DETAIL).query.get('apikey'), API_KEY)
    assert.match(
      String(w.server.last(DETAIL).headers['user-agent']),
      /^HDTickets\/0\.1\.0-test \(\+https:\/\/hdtickets\.test\)$/
    )
    assert.containsSubset(snapshot.event, {
      ref: 'G5diZfkn0B-bh',
      name: 'Radiohead',
      status: 'onsale',
      startsAt: '2016-07-27T23:30:00.000Z',
      timezone: 'America/New_York',
      dateTbd: false,
      venue: 'Madison Square Garden',
      city: 'New York',
      country: 'US',
      sport: null,
      publicSale: {
        name: 'Public sale',
        startsAt: '2016-03-18T14:00:00.000Z',
        endsAt: '2016-07-27T21:30:00.000Z',
      },
    })
    assert.deepEqual(snapshot.summary, {
      min: { amountMinor: 8000, currency: 'USD' },
      max: { amountMinor: 8000, currency: 'USD' },
      median: null,
      average: null,
      feesIncluded: null,
      listingCount: null,
    })
    assert.isNull(snapshot.listings)
  })

  test('missing priceRanges means no price (null), never 0', async ({ assert }) => {
    const body = detail()
    delete body.priceRanges
    w.server.on(DETAIL, { body })
    const { summary } = await w.connector.fetchMarket('G5diZfkn0B-bh', context)
    assert.isNull(summary.min)
    assert.isNull(summary.max)
  })

  test('"standard including fees" is preferred and flagged; a min of 0 is kept', async ({
    assert,
  }) => {
    const body = detail()
    body.priceRanges = [
      { type: 'standard', currency: 'EUR', min: 0, max: 120.5 },
      { type: 'standard including fees', currency: 'EUR', min: 0, max: 131.35 },
    ]
    w.server.on(DETAIL, { body })
    const { summary } = await w.connector.fetchMarket('G5diZfkn0B-bh', context)
    assert.deepEqual(summary.min, { amountMinor: 0, currency: 'EUR' })
    assert.deepEqual(summary.max, { amountMinor: 13135, currency: 'EUR' })
    assert.isTrue(summary.feesIncluded)
  })

  test('both spellings cancelled/canceled map to cancelled; offsale is not sold out', async ({
    assert,
  }) => {
    for (const [code, expected] of [
      ['cancelled', 'cancelled'],
      ['canceled', 'cancelled'],
      ['offsale', 'offsale'],
      ['postponed', 'postponed'],
      ['rescheduled', 'rescheduled'],
    ]) {
      const body = detail()
      body.dates.status.code = code
      w.server.on(DETAIL, { body })
      const { event } = await w.connector.fetchMarket('G5diZfkn0B-bh', context)
      assert.equal(event.status, expected, code)
    }
  })

  test('an event whose start has long passed is ended', async ({ assert }) => {
    w.clock.current = Date.parse('2016-08-01T00:00:00Z')
    w.server.on(DETAIL, { body: detail() })
    assert.equal((await w.connector.fetchMarket('G5diZfkn0B-bh', context)).event.status, 'ended')
  })

  test('dates.timezone missing → the venue zone; presales and a Resale sentinel sale date', async ({
    assert,
  }) => {
    const resale = nbaPage()._embedded.events[1]
    w.server.on('GET /discovery/v2/events/Z7r9jZ1Ad4s-N.json', { body: resale })
    w.clock.current = Date.parse('2022-10-01T00:00:00Z')
    const snapshot = await w.connector.fetchMarket('Z7r9jZ1Ad4s-N', context)
    assert.equal(snapshot.event.timezone, 'America/New_York')
    assert.isNull(snapshot.event.publicSale?.startsAt, 'a 1900 sentinel is unknown, not a date')
    assert.equal(snapshot.event.publicSale?.endsAt, '2023-02-08T00:30:00.000Z')
    assert.isNull(snapshot.summary.min)
    assert.equal(snapshot.event.homeTeam, 'Brooklyn Nets')
    assert.equal(snapshot.event.awayTeam, 'Phoenix Suns')
  })

  test('a 404 is EventGone; a malformed event id is refused before any call', async ({
    assert,
  }) => {
    w.server.on('GET /discovery/v2/events/Gone1.json', { status: 404, body: notFound })
    assert.instanceOf(await w.connector.fetchMarket('Gone1', context).catch((e) => e), EventGone)
    const bad = await w.connector.fetchMarket('../../etc', context).catch((e) => e)
    assert.instanceOf(bad, InvalidPayload)
    assert.equal(w.server.hits(), 1)
  })

  test('a payload that breaks the schema names the JSON path', async ({ assert }) => {
    const body = detail()
    body.dates.start.dateTime = 12
    w.server.on(DETAIL, { body })
    const error = await w.connector.fetchMarket('G5diZfkn0B-bh', context).catch((e) => e)
    assert.instanceOf(error, InvalidPayload)
    assert.equal(error.path, '$.dates.start.dateTime')
    assert.equal(error.eventRef, 'G5diZfkn0B-bh')
    assert.equal(error.source, 'ticketmaster')
  })

  test('Apigee 401 InvalidApiKey → CredentialRejected without the key; checkCredential says why', async ({
    assert,
  }) => {
    w.server.on(DETAIL, {
      status: 401,
      body: fixtureJson('ticketmaster/error-401-invalid-apikey.json'),
    })
    w.server.on(SEARCH, {
      status: 401,
      body: fixtureJson('ticketmaster/error-401-invalid-apikey.json'),
    })
    const error = await w.connector.fetchMarket('G5diZfkn0B-bh', context).catch((e) => e)
    assert.instanceOf(error, CredentialRejected)
    assert.include(error.message, 'oauth.v2.InvalidApiKey')
    assert.notInclude(error.message, API_KEY)
    const check = await w.connector.checkCredential(context)
    assert.isFalse(check.ok)
    assert.equal(w.server.hits(DETAIL), 1, 'a rejected credential is not retried')
  })

  test('429 QuotaViolation → RateLimited until Rate-Limit-Reset; the key in faultstring is not echoed; not retried', async ({
    assert,
  }) => {
    const body = JSON.parse(
      fixture('ticketmaster/error-429-quota-violation.json').replace('{apikey}', API_KEY)
    )
    const reset = w.clock.current + 3_600_000
    w.server.on(DETAIL, { status: 429, body, headers: { 'rate-limit-reset': String(reset) } })
    const error = await w.connector.fetchMarket('G5diZfkn0B-bh', context).catch((e) => e)
    assert.instanceOf(error, RateLimited)
    assert.equal(error.retryAfterMs, 3_600_000)
    assert.include(error.message, 'QuotaViolation')
    assert.notInclude(error.message, API_KEY)
    assert.equal(w.server.hits(DETAIL), 1)
  })

  test('429 spike arrest → RateLimited(~1 s); 429 with Retry-After honours it', async ({
    assert,
  }) => {
    w.server.on(DETAIL, [
      {
        status: 429,
        body: {
          fault: {
            faultstring: 'Spike arrest violation',
            detail: { errorcode: 'policies.ratelimit.SpikeArrestViolation' },
          },
        },
      },
      { status: 429, body: '', headers: { 'retry-after': '7' } },
    ])
    const spike = await w.connector.fetchMarket('G5diZfkn0B-bh', context).catch((e) => e)
    assert.instanceOf(spike, RateLimited)
    assert.equal(spike.retryAfterMs, 1000)
    const withHeader = await w.connector.fetchMarket('G5diZfkn0B-bh', context).catch((e) => e)
    assert.instanceOf(withHeader, RateLimited)
    assert.equal(withHeader.retryAfterMs, 7000)
  })

  test('Rate-Limit-Available: 0 stops further calls until Rate-Limit-Reset (no call made)', async ({
    assert,
  }) => {
    const reset = w.clock.current + 60_000
    w.server.on(DETAIL, {
      body: detail(),
      headers: { 'rate-limit-available': '0', 'rate-limit-reset': String(reset) },
    })
    await w.connector.fetchMarket('G5diZfkn0B-bh', context)
    const error = await w.connector.fetchMarket('G5diZfkn0B-bh', context).catch((e) => e)
    assert.instanceOf(error, RateLimited)
    assert.equal(error.retryAfterMs, 60_000)
    assert.equal(w.server.hits(DETAIL), 1)
    w.clock.advance(60_001)
    await w.connector.fetchMarket('G5diZfkn0B-bh', context)
    assert.equal(w.server.hits(DETAIL), 2)
  })

  test('5xx then success: the read is retried with backoff', async ({ assert }) => {
    w.server.on(DETAIL, [
      { status: 503, body: PLAIN_HTML_ERROR, headers: { 'content-type': 'text/html' } },
      { body: detail() },
    ])
    const snapshot = await w.connector.fetchMarket('G5diZfkn0B-bh', context)
    assert.equal(snapshot.event.ref, 'G5diZfkn0B-bh')
    assert.equal(w.server.hits(DETAIL), 2)
    assert.lengthOf(w.clock.sleeps, 1)
  })

  test('persistent 5xx → Unavailable after the retries', async ({ assert }) => {
    w.server.on(DETAIL, { status: 500, body: { fault: { faultstring: 'boom' } } })
    const error = await w.connector.fetchMarket('G5diZfkn0B-bh', context).catch((e) => e)
    assert.instanceOf(error, Unavailable)
    assert.equal(w.server.hits(DETAIL), 3)
  })

  test('malformed JSON, a truncated body and HTML where JSON was expected are InvalidPayload at $', async ({
    assert,
  }) => {
    const text = JSON.stringify(detail())
    w.server.on(DETAIL, {
      body: `${text.slice(0, 200)}`,
      headers: { 'content-type': 'application/json' },
    })
    const malformed = await w.connector.fetchMarket('G5diZfkn0B-bh', context).catch((e) => e)
    assert.instanceOf(malformed, InvalidPayload)
    assert.equal(malformed.path, '$')
    assert.include(malformed.message, 'malformed JSON')

    w.server.on(DETAIL, { body: detail(), truncateAt: 100 })
    const truncated = await w.connector.fetchMarket('G5diZfkn0B-bh', context).catch((e) => e)
    assert.instanceOf(truncated, InvalidPayload)
    assert.equal(truncated.path, '$')

    w.server.on(DETAIL, { body: PLAIN_HTML_ERROR, headers: { 'content-type': 'text/html' } })
    const html = await w.connector.fetchMarket('G5diZfkn0B-bh', context).catch((e) => e)
    assert.instanceOf(html, InvalidPayload)
    assert.include(html.message, 'expected JSON, got HTML')
  })

  test('a connection reset is retried, then Unavailable', async ({ assert }) => {
    w.server.on(DETAIL, { reset: true })
    const error = await w.connector.fetchMarket('G5diZfkn0B-bh', context).catch((e) => e)
    assert.instanceOf(error, Unavailable)
    assert.equal(w.server.hits(DETAIL), 3)
    assert.notInclude(error.message, API_KEY)
  })

  test('gzip and brotli bodies are decompressed', async ({ assert }) => {
    w.server.on(DETAIL, [
      { body: detail(), encoding: 'gzip' },
      { body: detail(), encoding: 'br' },
    ])
    assert.equal((await w.connector.fetchMarket('G5diZfkn0B-bh', context)).event.name, 'Radiohead')
    assert.equal((await w.connector.fetchMarket('G5diZfkn0B-bh', context)).event.name, 'Radiohead')
    assert.match(String(w.server.last(DETAIL).headers['accept-encoding']), /gzip/)
  })
})

test.group('ticketmaster: timeouts', () => {
  test('a read timeout is retried, then Unavailable', async ({ assert }) => {
    const w = await world({ readTimeoutMs: 100 })
    try {
      // undici's read timers have ~1 s resolution, so the server waits well past that
      w.server.on(DETAIL, { body: detail(), delayMs: 2500 })
      const error = await w.connector.fetchMarket('G5diZfkn0B-bh', context).catch((e) => e)
      assert.instanceOf(error, Unavailable)
      assert.include(error.message, 'timeout')
      assert.equal(w.server.hits(DETAIL), 3)
    } finally {
      await w.cleanup()
    }
  })
})

test.group('ticketmaster: discovery', (group) => {
  let w: Awaited<ReturnType<typeof world>>
  group.each.setup(async () => {
    w = await world({ now: '2022-10-01T00:00:00Z' })
    return () => w.cleanup()
  })

  test('sends sports segment, zero-based page, size, and dates without milliseconds', async ({
    assert,
  }) => {
    w.server.on(SEARCH, { body: nbaPage() })
    const page = await w.connector.discoverEvents(
      {
        keyword: 'suns',
        country: 'us',
        from: '2022-10-01T10:00:00.123Z',
        to: '2023-01-31T23:59:59.999Z',
        pageSize: 500,
      },
      context
    )
    const q = w.server.last(SEARCH).query
    assert.equal(q.get('segmentId'), 'KZFzniwnSyZfZ7v7nE')
    assert.equal(q.get('keyword'), 'suns')
    assert.equal(q.get('countryCode'), 'US')
    assert.equal(q.get('startDateTime'), '2022-10-01T10:00:00Z')
    assert.equal(q.get('endDateTime'), '2023-01-31T23:59:59Z')
    assert.equal(q.get('size'), '200', 'size is capped at 200')
    assert.equal(q.get('page'), '0')
    assert.equal(page.nextPage, 1)
    assert.equal(page.total, 242578)
    assert.lengthOf(page.events, 3)
  })

  test('normalises the NBA page: teams, league, presales, time-TBA events', async ({ assert }) => {
    w.server.on(SEARCH, { body: nbaPage() })
    const { events } = await w.connector.discoverEvents({}, context)
    assert.containsSubset(events[0], {
      ref: 'G5v0Z98m24-oh',
      sport: 'Basketball',
      league: 'NBA',
      homeTeam: 'Phoenix Suns',
      awayTeam: 'Brooklyn Nets',
      startsAt: '2023-01-20T03:00:00.000Z',
      timezone: 'America/Phoenix',
      presales: [
        {
          name: 'Resale Onsale',
          startsAt: '2022-08-17T19:30:00.000Z',
          endsAt: '2022-08-29T20:00:00.000Z',
        },
      ],
    })
    assert.containsSubset(events[2], {
      ref: 'Z7r9jZ1Ad4Sf8',
      dateTbd: true,
      startsAt: '2022-10-21T04:00:00.000Z',
      timezone: 'America/New_York',
    })
  })

  test('a search with no hits has no _embedded: an empty last page', async ({ assert }) => {
    w.server.on(SEARCH, {
      body: {
        _links: { self: { href: '/discovery/v2/events.json' } },
        page: { size: 20, totalElements: 0, totalPages: 0, number: 0 },
      },
    })
    assert.deepEqual(await w.connector.discoverEvents({ keyword: 'nothing' }, context), {
      events: [],
      summaries: {},
      skipped: [],
      inconsistency: null,
      nextPage: null,
      total: 0,
    })
  })

  test('stops before the deep-paging limit (size * page < 1000) without calling past it', async ({
    assert,
  }) => {
    w.server.on(SEARCH, { body: nbaPage() })
    const last = await w.connector.discoverEvents({ page: 4, pageSize: 200 }, context)
    assert.isNull(last.nextPage, '200 * 5 = 1000 is past the limit')
    const beyond = await w.connector.discoverEvents({ page: 5, pageSize: 200 }, context)
    assert.deepEqual(beyond, { events: [], nextPage: null, total: null })
    assert.equal(w.server.hits(SEARCH), 1)
  })

  test('Discovery 400 DIS#### errors become a clear InvalidPayload naming the parameter', async ({
    assert,
  }) => {
    for (const [file, path] of [
      ['error-400-DIS1036-size-too-large.observed.json', 'query.size'],
      ['error-400-DIS1035-paging-too-deep.observed.json', 'query.page'],
      ['error-400-DIS1015-bad-date-format.observed.json', 'query.startDateTime/endDateTime'],
      ['error-400-DIS1024-results-limit.observed.json', 'query'],
    ]) {
      w.server.on(SEARCH, { status: 400, body: fixtureJson(`ticketmaster/${file}`) })
      const error = await w.connector.discoverEvents({}, context).catch((e) => e)
      assert.instanceOf(error, InvalidPayload, file)
      assert.equal(error.path, path)
      assert.include(error.message, file.split('-')[2])
    }
    assert.equal(w.server.hits(SEARCH), 4, 'a 400 is never retried')
  })

  test('no credential → CredentialRejected before any call', async ({ assert }) => {
    const error = await w.connector.discoverEvents({}, { credential: null }).catch((e) => e)
    assert.instanceOf(error, CredentialRejected)
    assert.equal(w.server.hits(), 0)
  })
})
