/**
 * Issue #16 through the services the commands, the web page and the jobs
 * call (addEvent, discoverEvents, checkSource), on each database, against
 * local servers replaying invented pages and payloads
 * (tests/fixtures/*\/invented-*, see SOURCES.md).
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { SourceBlocked } from '#connectors/errors'
import { limitsFromSeeds } from '#connectors/registry'
import type { RateLimits } from '#connectors/transport/rate_limiter'
import ConnectorRuntime, { resetConnectorRuntime } from '#connectors/runtime'
import { addEvent, discoverEvents } from '#monitoring/discovery_service'
import { checkSource } from '#monitoring/check_market_service'
import { sourceHealth } from '#monitoring/source_health'
import EventQueries from '#monitoring/event_queries'
import { encryptSecret } from '#security/secrets'
import User from '#models/user'
import { FixtureServer, fixture, fixtureJson } from '#tests/connectors/helpers/fixture_server'
import { seedPlatforms } from '#tests/helpers/sandbox'
import { createUser } from '#tests/helpers/users'

const PAGE = '/games/doubleheader-2031-06-14'
const html = (file: string) => ({
  body: fixture(`jsonld/${file}`),
  headers: { 'content-type': 'text/html; charset=utf-8' },
})

async function resetCatalogue() {
  await db.from('alerts').delete()
  await db.from('alert_outbox').delete()
  await db.from('listing_changes').delete()
  await db.from('listings').delete()
  await db.from('event_status_changes').delete()
  await db.from('event_sources').delete()
  await db.from('events').delete()
  await db.from('platform_notices').delete()
}

async function jsonldPlatform() {
  return db.from('platforms').where('slug', 'jsonld').first()
}

test.group('Adding event pages and checking them (issue #16 items 1–4)', (group) => {
  let server: FixtureServer
  let runtime: ConnectorRuntime
  function pageRuntime(limits?: Record<string, RateLimits>) {
    const next = new ConnectorRuntime({
      ssrf: { allowedHosts: ['127.0.0.1'] },
      settings: { jsonld: { pageCacheMs: 0 } },
      limits: limits ? { ...limitsFromSeeds(), ...limits } : undefined,
    })
    resetConnectorRuntime(next)
    return next
  }
  group.setup(async () => {
    await seedPlatforms()
  })
  group.each.setup(async () => {
    await resetCatalogue()
    server = await new FixtureServer().start()
    server.on('GET /robots.txt', { body: 'User-agent: *\nAllow: /\n' })
    /** Pages are re-read at every call here; one page per 10 ms keeps the suite quick */
    runtime = pageRuntime({ jsonld: { requestsPerSecond: 100, requestsPerDay: null } })
    return async () => {
      resetConnectorRuntime(null)
      await runtime.transport.close()
      await server.close()
    }
  })

  test('a page with two games adds both, with prices and availability per source; re-adding links, never duplicates', async ({
    assert,
  }) => {
    /** The seeded limits: jsonld 0.2 requests/s */
    await runtime.transport.close()
    runtime = pageRuntime()
    server.on(`GET ${PAGE}`, html('invented-doubleheader-graph.html'))
    const added = await addEvent(`${server.origin}${PAGE}`)
    assert.lengthOf(added.events, 2)
    assert.deepEqual(
      added.events.map((e) => [e.created, e.event.name, e.availability]),
      [
        ['event', 'Pine Valley Owls at Harbor City Gulls (Game 1)', 'in_stock'],
        ['event', 'Pine Valley Owls at Harbor City Gulls (Game 2)', 'limited'],
      ]
    )
    const sources = await db
      .from('event_sources')
      .orderBy('min_price_minor')
      .select('external_id', 'availability', 'min_price_minor', 'currency', 'last_success_at')
    assert.lengthOf(sources, 2)
    assert.deepEqual(
      sources.map((s) => [s.availability, s.min_price_minor, s.currency]),
      [
        ['in_stock', 2500, 'USD'],
        ['limited', 3000, 'USD'],
      ]
    )
    for (const source of sources) assert.isNotNull(source.last_success_at)

    /** The page reorders its games and sells game 1 out; re-adding it (5 s later: the limit) updates both */
    server.on(`GET ${PAGE}`, html('invented-doubleheader-graph-reordered.html'))
    const waits: number[] = []
    const again = await addEvent(`${server.origin}${PAGE}`, {
      deadlineAt: Date.now() + 30_000,
      onWait: (notice) => waits.push(notice.waitMs),
    })
    assert.lengthOf(waits, 1, 'the second read of the host waited its turn instead of failing')
    assert.isAtMost(waits[0], 5_000)
    assert.deepEqual(
      again.events.map((e) => e.created),
      ['none', 'none']
    )
    const count = await db.from('event_sources').count('* as total').first()
    assert.equal(Number(count.total), 2)
  }).timeout(30_000)

  test('a scheduled check of each source updates its own event after the page reorders; "sold out" reaches the lists', async ({
    assert,
  }) => {
    server.on(`GET ${PAGE}`, html('invented-doubleheader-graph.html'))
    const added = await addEvent(`${server.origin}${PAGE}`)
    server.on(`GET ${PAGE}`, html('invented-doubleheader-graph-reordered.html'))
    for (const one of added.events) {
      const outcome = await checkSource(one.sourceId, new Date())
      assert.equal(outcome.outcome, 'done', JSON.stringify(outcome))
    }
    const game1 = added.events.find((e) => e.event.name.endsWith('(Game 1)'))!
    const game2 = added.events.find((e) => e.event.name.endsWith('(Game 2)'))!
    const row1 = await db.from('event_sources').where('id', game1.sourceId).first()
    const row2 = await db.from('event_sources').where('id', game2.sourceId).first()
    assert.equal(row1.availability, 'sold_out')
    assert.isNull(row1.min_price_minor)
    assert.equal(row2.availability, 'limited')

    const list = await new EventQueries().list({})
    const byName = Object.fromEntries(list.events.map((e) => [e.name, e.availability]))
    assert.equal(byName['Pine Valley Owls at Harbor City Gulls (Game 1)'], 'sold_out')
    assert.equal(byName['Pine Valley Owls at Harbor City Gulls (Game 2)'], 'limited')
    const detail = await new EventQueries().detail(game1.eventId)
    assert.equal(detail!.event.availability, 'sold_out')
    assert.equal(detail!.sources[0].availability, 'sold_out')
  }).timeout(30_000)

  test('a rescheduled event keeps where it moved from (previousStartDate), shown on the event', async ({
    assert,
  }) => {
    server.on('GET /schedule', html('invented-team-schedule.html'))
    const added = await addEvent(`${server.origin}/schedule`, {
      now: new Date('2031-02-15T12:00:00Z'),
    })
    assert.lengthOf(added.events, 3)
    const moved = added.events[0]
    const row = await db.from('events').where('id', moved.eventId).first()
    assert.equal(new Date(row.previous_starts_at).toISOString(), '2031-03-19T00:30:00.000Z')
    assert.equal(new Date(row.starts_at).toISOString(), '2031-03-21T00:30:00.000Z')
    const detail = await new EventQueries().detail(moved.eventId)
    assert.equal(detail!.event.previousStartsAt, '2031-03-19T00:30:00.000Z')
    assert.equal(detail!.event.status, 'rescheduled')
  }).timeout(30_000)

  test('an invalid structured-data block is in the add result and on the source health page', async ({
    assert,
  }) => {
    server.on('GET /match', html('invented-two-blocks-one-invalid.html'))
    const added = await addEvent(`${server.origin}/match`)
    assert.lengthOf(added.events, 1)
    assert.lengthOf(added.problems, 1)
    assert.match(
      added.problems[0],
      /^1 of 2 structured-data blocks invalid: script\[1\] is not valid JSON/
    )
    const source = await db.from('event_sources').where('id', added.sourceId).first()
    assert.equal(source.payload_warning, added.problems[0])
    const health = await sourceHealth()
    const listed = health.problems.find((problem) => problem.id === added.sourceId)
    assert.exists(listed, 'the source is listed as needing attention')
    assert.equal(listed!.warning, added.problems[0])
  }).timeout(30_000)

  test('a challenge page while adding flags the host on the health page and alerts the operators; nothing is stored or retried', async ({
    assert,
  }) => {
    await User.query().delete()
    const admin = await createUser('admin')
    const member = await createUser('member')
    server.on('GET /tickets', html('invented-challenge-page.html'))
    const error = await addEvent(`${server.origin}/tickets`).catch((e) => e)
    assert.instanceOf(error, SourceBlocked)
    assert.equal(server.hits('GET /tickets'), 1)
    const count = await db.from('event_sources').count('* as total').first()
    assert.equal(Number(count.total), 0)

    const host = new URL(server.origin).host
    const health = await sourceHealth()
    assert.deepInclude(
      health.notices.map((n) => ({ kind: n.kind, subject: n.subject })),
      { kind: 'challenge_page', subject: host }
    )
    const alerts = await db.from('alerts').where('type', 'system_alert')
    assert.deepEqual(
      alerts.map((a) => [a.user_id, a.condition]),
      [[admin.id, 'source_blocked']],
      'operators only'
    )
    assert.include(JSON.parse(alerts[0].reason).text, host)
    assert.notEqual(member.id, admin.id)

    /** The same host again the same day: counted, not alerted twice */
    await addEvent(`${server.origin}/tickets`, { deadlineAt: Date.now() + 30_000 }).catch(
      () => null
    )
    const notice = await db.from('platform_notices').where('subject', host).first()
    assert.equal(Number(notice.occurrences), 2)
    const again = await db.from('alerts').where('type', 'system_alert').count('* as total').first()
    assert.equal(Number(again.total), 1)
  }).timeout(30_000)

  test('a source stored before pages had several events keeps working and is adopted on re-adding', async ({
    assert,
  }) => {
    const platform = await jsonldPlatform()
    const pageUrl = `${server.origin}/schedule`
    server.on('GET /schedule', html('invented-team-schedule.html'))
    const now = new Date()
    const [eventRow] = await db
      .table('events')
      .insert({
        name: 'Riverside Rockets vs. Lakeshore Comets',
        status: 'scheduled',
        created_at: now,
      })
      .returning('id')
    const eventId = typeof eventRow === 'object' ? eventRow.id : eventRow
    const [sourceRow] = await db
      .table('event_sources')
      .insert({
        event_id: eventId,
        platform_id: platform.id,
        external_id: pageUrl,
        url: pageUrl,
        state: 'active',
        consecutive_failures: 0,
        created_at: now,
      })
      .returning('id')
    const sourceId = typeof sourceRow === 'object' ? sourceRow.id : sourceRow

    const checked = await checkSource(sourceId, new Date('2031-02-15T12:00:00Z'))
    assert.equal(checked.outcome, 'done', JSON.stringify(checked))
    assert.equal(
      (await db.from('event_sources').where('id', sourceId).first()).availability,
      'sold_out'
    )

    const added = await addEvent(pageUrl, {
      now: new Date('2031-02-15T12:00:00Z'),
      deadlineAt: Date.now() + 30_000,
    })
    assert.lengthOf(added.events, 3)
    assert.equal(added.events[0].sourceId, sourceId, 'the old source took its event’s new ref')
    assert.equal(added.events[0].created, 'none')
    const count = await db.from('event_sources').count('* as total').first()
    assert.equal(Number(count.total), 3)
  }).timeout(30_000)
})

test.group('Discovery on invented Ticketmaster pages (issue #16 items 5–8)', (group) => {
  let server: FixtureServer
  let runtime: ConnectorRuntime
  const SEARCH = 'GET /discovery/v2/events.json'
  group.setup(async () => {
    await seedPlatforms()
    await db
      .from('platforms')
      .where('slug', 'ticketmaster')
      .update({
        encrypted_credentials: encryptSecret({ apikey: 'tm-test-key' }, 'platform.credentials'),
      })
  })
  group.each.setup(async () => {
    await resetCatalogue()
    server = await new FixtureServer().start()
    runtime = new ConnectorRuntime({
      settings: { ticketmaster: { baseUrl: `${server.origin}/discovery/v2` } },
    })
    resetConnectorRuntime(runtime)
    return async () => {
      resetConnectorRuntime(null)
      await runtime.transport.close()
      await server.close()
    }
  })

  const asOf = new Date('2030-12-01T00:00:00Z')

  test('one malformed event is reported with its id and JSON path; the 19 others are stored, with their prices', async ({
    assert,
  }) => {
    server.on(SEARCH, {
      body: fixtureJson('ticketmaster/invented-discovery-page-20-events-one-string-min.json'),
    })
    const result = await discoverEvents('ticketmaster', {}, { maxPages: 1, now: asOf })
    assert.equal(result.seen, 19)
    assert.deepEqual(result.skipped, [
      'event vvG1IZ9xInvent06 at $._embedded.events[6].priceRanges[0].min: expected a number, got the string "45.50"',
    ])
    assert.equal(result.priced, 19)
    const sources = await db.from('event_sources').orderBy('external_id').select('*')
    assert.lengthOf(sources, 19)
    assert.notInclude(
      sources.map((s) => s.external_id),
      'vvG1IZ9xInvent06'
    )
    const first = sources.find((s) => s.external_id === 'vvG1IZ9xInvent00')
    assert.equal(first.min_price_minor, 3500)
    assert.equal(first.max_price_minor, 48000)
    assert.equal(first.currency, 'USD')
    const withFees = sources.find((s) => s.external_id === 'vvG1IZ9xInvent01')
    assert.equal(
      withFees.min_price_minor,
      4830,
      '"standard including fees" preferred, as events:add'
    )
    assert.isTrue(Boolean(withFees.fees_included))
  })

  test('discovery searches from now on by default and does not store games already played', async ({
    assert,
  }) => {
    server.on(SEARCH, {
      body: fixtureJson('ticketmaster/invented-discovery-page-one-past-two-upcoming.json'),
    })
    const result = await discoverEvents('ticketmaster', {}, { maxPages: 1, now: asOf })
    assert.equal(server.last(SEARCH).query.get('startDateTime'), '2030-12-01T00:00:00Z')
    assert.equal(result.past, 1)
    assert.equal(result.seen, 2)
    const ids = (await db.from('event_sources').select('external_id')).map((r) => r.external_id)
    assert.sameMembers(ids, ['vvG1IZ9xInvent31', 'vvG1IZ9xInvent32'])
  })

  test('the presale date is the earliest real presale, not the first listed, never a resale window', async ({
    assert,
  }) => {
    server.on(SEARCH, {
      body: fixtureJson('ticketmaster/invented-discovery-page-20-events-one-string-min.json'),
    })
    await discoverEvents('ticketmaster', {}, { maxPages: 1, now: asOf })
    const row = await db
      .from('events')
      .join('event_sources', 'event_sources.event_id', 'events.id')
      .where('event_sources.external_id', 'vvG1IZ9xInvent00')
      .select('events.presale_at')
      .first()
    assert.equal(new Date(row.presale_at).toISOString(), '2030-09-24T15:00:00.000Z')
  })

  test('a page announcing events but carrying none is an inconsistency on the health page, not "0 events"', async ({
    assert,
  }) => {
    server.on(SEARCH, {
      body: fixtureJson('ticketmaster/invented-discovery-page-total-without-events.json'),
    })
    const result = await discoverEvents(
      'ticketmaster',
      { keyword: 'gulls' },
      { maxPages: 3, now: asOf }
    )
    assert.equal(result.seen, 0)
    assert.deepEqual(result.inconsistencies, [
      'page 0 of a search announcing 57 events carried none (no _embedded.events)',
    ])
    const health = await sourceHealth()
    const notice = health.notices.find((n) => n.kind === 'inconsistent_page')
    assert.exists(notice)
    assert.equal(notice!.platformName, 'Ticketmaster')
    assert.equal(notice!.subject, 'search "gulls" from 2030-12-01')
    assert.equal(notice!.detail, result.inconsistencies[0])
  })
})
