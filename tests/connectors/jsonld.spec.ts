import { test } from '@japa/runner'
import { EventGone, InvalidPayload, RateLimited, SourceBlocked } from '#connectors/errors'
import JsonLdConnector from '#connectors/jsonld/jsonld_connector'
import { JsonLdClient } from '#connectors/jsonld/client'
import { RobotsCache } from '#connectors/jsonld/robots_cache'
import { SsrfGuard } from '#security/ssrf_guard'
import { FakeClock, testTransport } from '#tests/connectors/helpers/transport'
import {
  CLOUDFLARE_PAGE,
  CAPTCHA_PAGE,
  FixtureServer,
  LOGIN_PAGE,
  fixture,
} from '#tests/connectors/helpers/fixture_server'
import { connectorContractSuite } from '#tests/connectors/contract_suite'

const context = { credential: null }
const ROBOTS = 'GET /robots.txt'
const page = (file: string, title = 'Event') =>
  `<!DOCTYPE html><html><head><title>${title}</title>\n${fixture(`jsonld/${file}`)}\n</head><body><h1>${title}</h1></body></html>`
const html = (body: string, status = 200) => ({
  status,
  body,
  headers: { 'content-type': 'text/html; charset=utf-8' },
})

async function world(
  options: {
    defaultTimezone?: string | null
    now?: string
    robots?: string | { status: number }
  } = {}
) {
  const server = await new FixtureServer().start()
  const clock = new FakeClock(Date.parse(options.now ?? '2016-04-01T00:00:00Z'))
  const transport = testTransport(clock)
  const guard = new SsrfGuard({ allowedHosts: ['127.0.0.1'] })
  const robots = options.robots ?? 'User-agent: *\nDisallow: /private/\n'
  server.on(
    ROBOTS,
    typeof robots === 'string' ? { body: robots } : { status: robots.status, body: '' }
  )
  const connector = new JsonLdConnector({
    client: new JsonLdClient({
      transport,
      guard,
      robots: new RobotsCache({ transport, clock }),
      clock,
      sleep: clock.sleep,
      maxCrawlWaitMs: 2_000,
    }),
    clock,
    defaultTimezone: options.defaultTimezone ?? null,
  })
  return {
    server,
    clock,
    connector,
    url: (path: string) => `${server.origin}${path}`,
    cleanup: async () => {
      await transport.close()
      await server.close()
    },
  }
}

connectorContractSuite('jsonld', async () => {
  const w = await world()
  w.server
    .on('GET /nba/game3', html(page('eg-0461-event-aggregateoffer-nba-tickets.html')))
    .on('GET /gone', html('<h1>Not found</h1>', 404))
  return {
    connector: w.connector,
    context,
    eventRef: w.url('/nba/game3'),
    goneRef: w.url('/gone'),
    secrets: [],
    breakServer: () => w.server.on('GET /nba/game3', html('<h1>oops</h1>', 500)),
    cleanup: w.cleanup,
  }
})

test.group('jsonld: extraction', (group) => {
  let w: Awaited<ReturnType<typeof world>>
  group.each.setup(async () => {
    w = await world()
    return () => w.cleanup()
  })

  test('AggregateOffer with string lowPrice/offerCount and no highPrice (schema.org eg-0461)', async ({
    assert,
  }) => {
    w.server.on('GET /nba/game3', html(page('eg-0461-event-aggregateoffer-nba-tickets.html')))
    const snapshot = await w.connector.fetchMarket(w.url('/nba/game3'), context)
    assert.deepEqual(snapshot.summary, {
      min: { amountMinor: 3500, currency: 'USD' },
      max: null,
      median: null,
      average: null,
      feesIncluded: null,
      listingCount: 1938,
    })
    assert.containsSubset(snapshot.event, {
      ref: w.url('/nba/game3'),
      platform: 'jsonld',
      name: 'Miami Heat at Philadelphia 76ers - Game 3 (Home Game 1)',
      url: w.url('/nba/nba-miami-philidelphia-game3.html'),
      city: 'Philadelphia',
      status: 'onsale',
      startsAt: '2016-04-21T20:00:00.000Z',
      timezone: null,
    })
    assert.isNull(snapshot.listings)
    assert.match(String(w.server.last('GET /nba/game3').headers['user-agent']), /^HDTickets\//)
  })

  test('an operator-set zone resolves start dates published without an offset', async ({
    assert,
  }) => {
    const zoned = await world({ defaultTimezone: 'America/New_York' })
    try {
      zoned.server.on('GET /e', html(page('eg-0461-event-aggregateoffer-nba-tickets.html')))
      const { event } = await zoned.connector.fetchMarket(zoned.url('/e'), context)
      assert.equal(event.startsAt, '2016-04-22T00:00:00.000Z')
      assert.equal(event.timezone, 'America/New_York')
    } finally {
      await zoned.cleanup()
    }
  })

  test('availability as a full URL: SoldOut kept as sold_out (status stays onsale), no price, 0 listings; LimitedAvailability → limited', async ({
    assert,
  }) => {
    w.clock.current = Date.parse('2013-09-01T00:00:00Z')
    w.server
      .on('GET /soldout', html(page('eg-0173-event-offer-soldout.html')))
      .on('GET /limited', html(page('eg-0174-event-offer-limitedavailability.html')))
    const soldOut = await w.connector.fetchMarket(w.url('/soldout'), context)
    assert.equal(soldOut.event.status, 'onsale', 'sold out is not off sale')
    assert.equal(soldOut.availability, 'sold_out')
    assert.isNull(soldOut.summary.min)
    assert.equal(soldOut.summary.listingCount, 0)
    assert.equal(soldOut.event.venue, 'The Hi-Dive')
    const limited = await w.connector.fetchMarket(w.url('/limited'), context)
    assert.equal(limited.event.status, 'onsale')
    assert.equal(limited.availability, 'limited')
    assert.deepEqual(limited.summary.min, { amountMinor: 1300, currency: 'USD' })
  })

  test('top-level array, bare tokens, rescheduled, several offers, validFrom → sale window (eg-0202)', async ({
    assert,
  }) => {
    w.clock.current = Date.parse('2014-01-01T00:00:00Z')
    w.server.on('GET /bbking', html(page('eg-0202-musicevent-rescheduled-multiple-offers.html')))
    const { event, summary } = await w.connector.fetchMarket(w.url('/bbking'), context)
    assert.equal(event.status, 'rescheduled')
    assert.equal(event.country, 'US')
    assert.equal(event.url, 'http://www.bbking.com/events/apr12-providence.html')
    assert.deepEqual(event.publicSale, {
      name: 'Public sale',
      startsAt: '2014-02-05T10:00:00.000Z',
      endsAt: '2014-03-19T23:59:00.000Z',
    })
    assert.deepEqual(
      summary.min,
      { amountMinor: 29900, currency: 'USD' },
      'the sold-out GA offer is not a buyable price'
    )
    assert.deepEqual(summary.max, { amountMinor: 29900, currency: 'USD' })
  })

  test('@graph, SportsEvent in a @type array, teams, sport, eventStatus URL, prices as numbers', async ({
    assert,
  }) => {
    const graph = {
      '@context': 'https://schema.org',
      '@graph': [
        { '@type': 'WebPage', 'name': 'Tickets' },
        {
          '@type': ['SportsEvent', 'Thing'],
          'name': 'Arsenal v Chelsea',
          'startDate': '2026-03-14T17:30:00+00:00',
          'eventStatus': 'https://schema.org/EventCancelled',
          'homeTeam': { '@type': 'SportsTeam', 'name': 'Arsenal' },
          'awayTeam': 'Chelsea',
          'sport': 'https://en.wikipedia.org/wiki/Association_football',
          'location': {
            '@type': 'Place',
            'name': 'Emirates Stadium',
            'address': {
              '@type': 'PostalAddress',
              'addressLocality': 'London',
              'addressCountry': { '@type': 'Country', 'name': 'United Kingdom' },
            },
          },
          'offers': {
            '@type': 'AggregateOffer',
            'lowPrice': 45,
            'highPrice': 120.5,
            'priceCurrency': 'gbp',
            'availability': 'InStock',
          },
        },
      ],
    }
    w.server.on(
      'GET /match',
      html(
        `<html><head><SCRIPT type='application/ld+json'>${JSON.stringify(graph)}</SCRIPT></head></html>`
      )
    )
    const { event, summary } = await w.connector.fetchMarket(w.url('/match'), context)
    assert.containsSubset(event, {
      homeTeam: 'Arsenal',
      awayTeam: 'Chelsea',
      sport: 'Association football',
      status: 'cancelled',
      country: 'GB',
      startsAt: '2026-03-14T17:30:00.000Z',
    })
    assert.deepEqual(summary.min, { amountMinor: 4500, currency: 'GBP' })
    assert.deepEqual(summary.max, { amountMinor: 12050, currency: 'GBP' })
  })

  test('an invalid block is skipped; a price with a symbol is InvalidPayload naming the path', async ({
    assert,
  }) => {
    const bad = {
      '@context': 'https://schema.org',
      '@type': 'Event',
      'name': 'X',
      'startDate': '2016-05-01T20:00:00Z',
      'offers': { '@type': 'Offer', 'price': '$13', 'priceCurrency': 'USD' },
    }
    w.server.on(
      'GET /bad',
      html(
        `<script type="application/ld+json">{ not json</script><script type="application/ld+json">${JSON.stringify(bad)}</script>`
      )
    )
    const error = await w.connector.fetchMarket(w.url('/bad'), context).catch((e) => e)
    assert.instanceOf(error, InvalidPayload)
    assert.equal(error.path, 'script[1].offers.price')
  })

  test('a page without Event markup is InvalidPayload; 404 is EventGone', async ({ assert }) => {
    w.server
      .on('GET /plain', html('<html><head><title>About us</title></head><body>Hello</body></html>'))
      .on('GET /gone', html('gone', 404))
    const error = await w.connector.fetchMarket(w.url('/plain'), context).catch((e) => e)
    assert.instanceOf(error, InvalidPayload)
    assert.include(error.message, 'About us')
    assert.instanceOf(
      await w.connector.fetchMarket(w.url('/gone'), context).catch((e) => e),
      EventGone
    )
  })

  test('challenge page, 403 bot check and login wall are SourceBlocked, fetched once, never retried', async ({
    assert,
  }) => {
    w.server
      .on('GET /cf', html(CLOUDFLARE_PAGE, 503))
      .on('GET /px', html(CAPTCHA_PAGE, 403))
      .on('GET /login', html(LOGIN_PAGE))
      .on(
        'GET /denied',
        html(
          '<html><head><title>Access Denied</title></head><body>Reference #18</body></html>',
          403
        )
      )
    for (const path of ['/cf', '/px', '/login', '/denied']) {
      const error = await w.connector.fetchMarket(w.url(path), context).catch((e) => e)
      assert.instanceOf(error, SourceBlocked, path)
      assert.equal(w.server.hits(`GET ${path}`), 1, `${path} fetched once`)
    }
  })

  test('discoverEvents takes a page URL as keyword; anything else finds nothing (no search)', async ({
    assert,
  }) => {
    w.server.on('GET /bbking', html(page('eg-0202-musicevent-rescheduled-multiple-offers.html')))
    const found = await w.connector.discoverEvents({ keyword: w.url('/bbking') }, context)
    assert.lengthOf(found.events, 1)
    assert.deepEqual(await w.connector.discoverEvents({ keyword: 'lakers' }, context), {
      events: [],
      nextPage: null,
      total: 0,
    })
  })
})

test.group('jsonld: robots.txt and SSRF', () => {
  test('a disallowed path is refused with a clear message and never fetched', async ({
    assert,
  }) => {
    const w = await world()
    try {
      w.server.on('GET /private/e', html(page('eg-0461-event-aggregateoffer-nba-tickets.html')))
      const error = await w.connector.fetchMarket(w.url('/private/e'), context).catch((e) => e)
      assert.instanceOf(error, SourceBlocked)
      assert.include(error.message, 'robots.txt')
      assert.include(error.message, '/private/e')
      assert.equal(w.server.hits('GET /private/e'), 0)
    } finally {
      await w.cleanup()
    }
  })

  test('our own group wins over *: HDTickets disallowed even where * is allowed', async ({
    assert,
  }) => {
    const w = await world({
      robots: 'User-agent: *\nAllow: /\n\nUser-agent: hdtickets\nDisallow: /events/\n',
    })
    try {
      w.server.on('GET /events/1', html(page('eg-0461-event-aggregateoffer-nba-tickets.html')))
      assert.instanceOf(
        await w.connector.fetchMarket(w.url('/events/1'), context).catch((e) => e),
        SourceBlocked
      )
    } finally {
      await w.cleanup()
    }
  })

  test('robots.txt 404 → everything allowed; robots.txt 5xx → everything disallowed', async ({
    assert,
  }) => {
    const missing = await world({ robots: { status: 404 } })
    try {
      missing.server.on('GET /e', html(page('eg-0461-event-aggregateoffer-nba-tickets.html')))
      assert.equal(
        (await missing.connector.fetchMarket(missing.url('/e'), context)).summary.listingCount,
        1938
      )
    } finally {
      await missing.cleanup()
    }
    const broken = await world({ robots: { status: 503 } })
    try {
      broken.server.on('GET /e', html(page('eg-0461-event-aggregateoffer-nba-tickets.html')))
      const error = await broken.connector.fetchMarket(broken.url('/e'), context).catch((e) => e)
      assert.instanceOf(error, SourceBlocked)
      assert.include(error.message, 'unreachable')
      assert.equal(broken.server.hits('GET /e'), 0)
    } finally {
      await broken.cleanup()
    }
  })

  test('robots.txt is cached per origin for at most 24 h', async ({ assert }) => {
    const w = await world()
    try {
      w.server.on('GET /e', html(page('eg-0461-event-aggregateoffer-nba-tickets.html')))
      await w.connector.fetchMarket(w.url('/e'), context)
      await w.connector.fetchMarket(w.url('/e'), context)
      assert.equal(w.server.hits(ROBOTS), 1)
      w.clock.advance(24 * 3_600_000 + 1)
      await w.connector.fetchMarket(w.url('/e'), context)
      assert.equal(w.server.hits(ROBOTS), 2)
    } finally {
      await w.cleanup()
    }
  })

  test('Crawl-delay is honoured between fetches to the same host: short waits sleep, long ones are RateLimited', async ({
    assert,
  }) => {
    const short = await world({ robots: 'User-agent: *\nCrawl-delay: 1\n' })
    try {
      short.server
        .on('GET /e', html(page('eg-0461-event-aggregateoffer-nba-tickets.html')))
        .on('GET /f', html(page('eg-0174-event-offer-limitedavailability.html')))
      await short.connector.fetchMarket(short.url('/e'), context)
      await short.connector.fetchMarket(short.url('/f'), context)
      assert.include(short.clock.sleeps, 1000)
      assert.equal(short.server.hits('GET /e'), 1)
      assert.equal(short.server.hits('GET /f'), 1)
    } finally {
      await short.cleanup()
    }
    const long = await world({ robots: 'User-agent: *\nCrawl-delay: 10\n' })
    try {
      long.server
        .on('GET /e', html(page('eg-0461-event-aggregateoffer-nba-tickets.html')))
        .on('GET /f', html(page('eg-0174-event-offer-limitedavailability.html')))
      await long.connector.fetchMarket(long.url('/e'), context)
      const error = await long.connector.fetchMarket(long.url('/f'), context).catch((e) => e)
      assert.instanceOf(error, RateLimited)
      assert.equal(error.retryAfterMs, 10_000)
      assert.equal(long.server.hits('GET /f'), 0)
    } finally {
      await long.cleanup()
    }
  })

  test('loopback by name, cloud metadata and non-http schemes are refused before any request', async ({
    assert,
  }) => {
    const w = await world()
    try {
      const port = new URL(w.server.origin).port
      for (const [target, why] of [
        [`http://localhost:${port}/e`, 'loopback'],
        ['http://169.254.169.254/latest/meta-data/', 'link-local'],
        ['http://[::1]/e', 'loopback'],
        ['file:///etc/passwd', 'scheme'],
      ]) {
        const error = await w.connector.fetchMarket(target, context).catch((e) => e)
        assert.instanceOf(error, SourceBlocked, target)
        assert.include(error.message, why)
      }
      assert.equal(w.server.hits(), 0)
    } finally {
      await w.cleanup()
    }
  })

  test('a redirect to a private address is refused', async ({ assert }) => {
    const w = await world()
    try {
      w.server.on('GET /jump', {
        status: 302,
        headers: { location: 'http://10.0.0.1/admin' },
        body: '',
      })
      const error = await w.connector.fetchMarket(w.url('/jump'), context).catch((e) => e)
      assert.instanceOf(error, SourceBlocked)
      assert.include(error.message, '10.0.0.0/8')
    } finally {
      await w.cleanup()
    }
  })
})
