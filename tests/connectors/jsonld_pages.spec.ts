/**
 * Issue #16, event pages: several events per page with stable identities
 * (item 2), what used to be dropped (item 3), and robots.txt not spending
 * the page's budget at the default limits (item 1). Invented pages,
 * tests/fixtures/jsonld/invented-*.html (see SOURCES.md).
 */
import { test } from '@japa/runner'
import { EventGone, SourceBlocked } from '#connectors/errors'
import JsonLdConnector from '#connectors/jsonld/jsonld_connector'
import { JsonLdClient } from '#connectors/jsonld/client'
import { RobotsCache } from '#connectors/jsonld/robots_cache'
import { identifyEvents, parseJsonLdRef } from '#connectors/jsonld/identity'
import { scanJsonLd } from '#connectors/jsonld/payloads'
import { limitsFromSeeds } from '#connectors/registry'
import { SsrfGuard } from '#security/ssrf_guard'
import { FakeClock, testTransport } from '#tests/connectors/helpers/transport'
import { FixtureServer, fixture } from '#tests/connectors/helpers/fixture_server'
import type { HttpTransportOptions } from '#connectors/transport/http_transport'

const context = { credential: null }
const PAGE = '/games/doubleheader-2031-06-14'
const html = (file: string) => ({
  body: fixture(`jsonld/${file}`),
  headers: { 'content-type': 'text/html; charset=utf-8' },
})

async function world(transportOptions: Partial<HttpTransportOptions> = {}) {
  const server = await new FixtureServer().start()
  server.on('GET /robots.txt', { body: 'User-agent: *\nDisallow: /private/\n' })
  const clock = new FakeClock(Date.parse('2031-05-01T12:00:00Z'))
  const transport = testTransport(clock, transportOptions)
  const connector = new JsonLdConnector({
    client: new JsonLdClient({
      transport,
      guard: new SsrfGuard({ allowedHosts: ['127.0.0.1'] }),
      robots: new RobotsCache({ transport, clock }),
      clock,
      sleep: clock.sleep,
    }),
    clock,
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

test.group('jsonld: every event on a page, each with a stable identity (item 2)', () => {
  test('a doubleheader in an @graph with @type arrays yields both games, told apart though they share a url', async ({
    assert,
  }) => {
    const w = await world()
    try {
      w.server.on(`GET ${PAGE}`, html('invented-doubleheader-graph.html'))
      const page = await w.connector.fetchPageMarkets(w.url(PAGE), context)
      assert.deepEqual(
        page.snapshots.map((s) => s.event.name),
        [
          'Pine Valley Owls at Harbor City Gulls (Game 1)',
          'Pine Valley Owls at Harbor City Gulls (Game 2)',
        ]
      )
      const [one, two] = page.snapshots
      assert.notEqual(one.event.ref, two.event.ref)
      for (const snapshot of page.snapshots) {
        assert.isTrue(snapshot.event.ref.startsWith(`${w.url(PAGE)}#ev-`))
        assert.isAtMost(snapshot.event.ref.length, 191, 'fits event_sources.external_id')
      }
      assert.deepEqual(one.summary.min, { amountMinor: 2500, currency: 'USD' })
      assert.deepEqual(two.summary.min, { amountMinor: 3000, currency: 'USD' })
      assert.equal(one.event.homeTeam, 'Harbor City Gulls')
      assert.equal(w.server.hits(`GET ${PAGE}`), 1)
    } finally {
      await w.cleanup()
    }
  })

  test('after the page reorders its games each ref still finds its own game; the siblings share one fetch', async ({
    assert,
  }) => {
    const w = await world()
    try {
      w.server.on(`GET ${PAGE}`, [
        html('invented-doubleheader-graph.html'),
        html('invented-doubleheader-graph-reordered.html'),
      ])
      const first = await w.connector.fetchPageMarkets(w.url(PAGE), context)
      const refs = Object.fromEntries(first.snapshots.map((s) => [s.event.name, s.event.ref]))
      /** The page cache window passes: the next checks read the reordered page once */
      w.clock.advance(120_000)
      const game2 = await w.connector.fetchMarket(
        refs['Pine Valley Owls at Harbor City Gulls (Game 2)'],
        context
      )
      const game1 = await w.connector.fetchMarket(
        refs['Pine Valley Owls at Harbor City Gulls (Game 1)'],
        context
      )
      assert.equal(game1.event.name, 'Pine Valley Owls at Harbor City Gulls (Game 1)')
      assert.equal(game2.event.name, 'Pine Valley Owls at Harbor City Gulls (Game 2)')
      assert.equal(game1.availability, 'sold_out', 'the reordered page sold game 1 out')
      assert.equal(game2.availability, 'limited')
      assert.equal(w.server.hits(`GET ${PAGE}`), 2, 'one fetch per page per window, not per event')
      /** And re-reading the whole page gives the same refs */
      w.clock.advance(120_000)
      const again = await w.connector.fetchPageMarkets(w.url(PAGE), context)
      assert.deepEqual(
        Object.fromEntries(again.snapshots.map((s) => [s.event.name, s.event.ref])),
        refs
      )
    } finally {
      await w.cleanup()
    }
  })

  test('a schedule with @id: refs follow @id; a game that left the page is EventGone', async ({
    assert,
  }) => {
    const w = await world()
    try {
      w.server.on('GET /schedule', [
        html('invented-team-schedule.html'),
        {
          /** Game 3101 is gone from the page (another game, 3199, took its place) */
          body: fixture('jsonld/invented-team-schedule.html').replace(
            'events/3101#event',
            'events/3199#event'
          ),
          headers: { 'content-type': 'text/html' },
        },
      ])
      const page = await w.connector.fetchPageMarkets(w.url('/schedule'), context)
      assert.lengthOf(page.snapshots, 3)
      const gone = page.snapshots[0].event.ref
      w.clock.advance(120_000)
      const error = await w.connector.fetchMarket(gone, context).catch((e) => e)
      assert.instanceOf(error, EventGone)
      const stays = await w.connector.fetchMarket(page.snapshots[1].event.ref, context)
      assert.equal(stays.event.name, 'Riverside Rockets vs. Mesa Falcons')
    } finally {
      await w.cleanup()
    }
  })

  test('a ref from before pages had several events (the bare page URL) keeps meaning the same event', async ({
    assert,
  }) => {
    const w = await world()
    try {
      w.server.on('GET /schedule', html('invented-team-schedule.html'))
      const legacy = await w.connector.fetchMarket(w.url('/schedule'), context)
      assert.equal(legacy.event.ref, w.url('/schedule'), 'the stored ref is answered as is')
      assert.equal(legacy.event.name, 'Riverside Rockets vs. Lakeshore Comets')
    } finally {
      await w.cleanup()
    }
  })

  test('identity rules: @id, else url, else page + name + start; blank nodes are not identities', ({
    assert,
  }) => {
    const page = 'https://club.example/fixtures'
    const nodes = scanJsonLd(
      `<script type="application/ld+json">${JSON.stringify([
        { '@type': 'Event', '@id': '_:b0', 'name': 'A', 'startDate': '2031-01-01T10:00:00Z' },
        { '@type': 'Event', 'name': 'B', 'startDate': '2031-01-02T10:00:00Z' },
        { '@type': 'Event', 'url': '/fixtures', 'name': 'C', 'startDate': '2031-01-03T10:00:00Z' },
        {
          '@type': 'Event',
          '@id': '#d',
          'url': '/fixtures',
          'name': 'D',
          'startDate': '2031-01-04',
        },
      ])}</script>`
    ).events
    const forward = identifyEvents(nodes, page)
    const backward = identifyEvents([...nodes].reverse(), page)
    assert.deepEqual(
      forward.map((e) => e.ref),
      [...backward.map((e) => e.ref)].reverse(),
      'the same refs whatever the order'
    )
    assert.equal(forward[2].ref, page, 'an event whose url is the page keeps the bare page URL')
    assert.deepEqual(parseJsonLdRef(forward[0].ref).pageUrl, page)
    assert.lengthOf(parseJsonLdRef(forward[0].ref).key!, 16)
    assert.isNull(parseJsonLdRef(page).key)
  })
})

test.group('jsonld: what was dropped is kept (item 3)', () => {
  test('previousStartDate, availability per event (SoldOut, PreOrder, Discontinued), status apart from it', async ({
    assert,
  }) => {
    const w = await world()
    w.clock.current = Date.parse('2031-02-15T12:00:00Z')
    try {
      w.server.on('GET /schedule', html('invented-team-schedule.html'))
      const page = await w.connector.fetchPageMarkets(w.url('/schedule'), context)
      const [moved, presale, stopped] = page.snapshots
      assert.equal(moved.event.status, 'rescheduled')
      assert.equal(moved.event.startsAt, '2031-03-21T00:30:00.000Z')
      assert.equal(moved.event.previousStartsAt, '2031-03-19T00:30:00.000Z')
      assert.equal(moved.availability, 'sold_out')
      assert.isNull(moved.summary.min, 'sold-out offers give no price')
      assert.equal(presale.availability, 'presale')
      assert.deepEqual(presale.summary.min, { amountMinor: 3850, currency: 'USD' })
      assert.equal(stopped.availability, 'discontinued')
      assert.equal(stopped.event.status, 'offsale')
      assert.deepEqual(page.problems, [])
    } finally {
      await w.cleanup()
    }
  })

  test('a structured-data block that does not parse is reported: "1 of 2 structured-data blocks invalid"', async ({
    assert,
  }) => {
    const w = await world()
    try {
      w.server.on('GET /match', html('invented-two-blocks-one-invalid.html'))
      const page = await w.connector.fetchPageMarkets(w.url('/match'), context)
      assert.lengthOf(page.snapshots, 1)
      assert.lengthOf(page.problems, 1)
      assert.equal(page.problems[0].item, 'block')
      assert.equal(page.problems[0].path, 'script[1]')
      assert.match(
        page.problems[0].reason,
        /^1 of 2 structured-data blocks invalid: script\[1\] is not valid JSON \(.+\)$/
      )
      const snapshot = await w.connector.fetchMarket(page.snapshots[0].event.ref, context)
      assert.deepEqual(snapshot.problems, page.problems, 'every check of the page carries it')
    } finally {
      await w.cleanup()
    }
  })
})

test.group('jsonld: default limits (item 1) and challenge pages (item 4)', () => {
  test('at the seeded 0.2 requests/s, robots.txt and the page both go through at once (separate buckets)', async ({
    assert,
  }) => {
    const w = await world({ limits: limitsFromSeeds() })
    try {
      w.server.on('GET /match', html('invented-two-blocks-one-invalid.html'))
      const page = await w.connector.fetchPageMarkets(w.url('/match'), context)
      assert.lengthOf(page.snapshots, 1)
      assert.deepEqual(w.clock.sleeps, [], 'no wait: robots.txt did not spend the page’s token')
      assert.equal(w.server.hits('GET /robots.txt'), 1)
      /** A second page of the host within 5 s waits its turn when the deadline allows */
      w.server.on('GET /schedule', html('invented-team-schedule.html'))
      const heard: number[] = []
      await w.connector.fetchPageMarkets(w.url('/schedule'), {
        credential: null,
        deadlineAt: w.clock.now() + 30_000,
        onWait: (notice) => heard.push(notice.waitMs),
      })
      assert.deepEqual(heard, [5_000])
      assert.equal(w.server.hits('GET /robots.txt'), 1, 'robots.txt cached per origin')
    } finally {
      await w.cleanup()
    }
  })

  test('a challenge page is SourceBlocked (a host flag), fetched once, never retried', async ({
    assert,
  }) => {
    const w = await world()
    try {
      w.server.on('GET /tickets', html('invented-challenge-page.html'))
      const error = await w.connector.fetchPageMarkets(w.url('/tickets'), context).catch((e) => e)
      assert.instanceOf(error, SourceBlocked)
      assert.isTrue(error.flagsHost)
      assert.equal(w.server.hits('GET /tickets'), 1)
    } finally {
      await w.cleanup()
    }
  })
})
