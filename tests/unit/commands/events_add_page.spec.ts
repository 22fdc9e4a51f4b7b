/**
 * Issue #16 as a new user meets it: `node ace events:add <url>` and
 * `node ace events:discover` run as child processes, with the platform
 * limits the platforms table is seeded with (jsonld: 0.2 requests/s),
 * against local servers replaying invented pages. 127.0.0.1 is let through
 * the SSRF guard the documented way: SSRF_ALLOW.
 */
import { test } from '@japa/runner'
import { spawn } from 'node:child_process'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { encryptSecret } from '#security/secrets'
import User from '#models/user'
import { FixtureServer, fixture, fixtureJson } from '#tests/connectors/helpers/fixture_server'
import { seedPlatforms } from '#tests/helpers/sandbox'
import { createUser } from '#tests/helpers/users'

/** Runs ace without blocking this process (the fixture server answers the child from here). */
function ace(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ status: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['ace', ...args], {
      cwd: app.makePath(),
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, output })
    })
  })
}

const html = (file: string) => ({
  body: fixture(`jsonld/${file}`),
  headers: { 'content-type': 'text/html; charset=utf-8' },
})

async function resetCatalogue() {
  await db.from('alerts').delete()
  await db.from('listing_changes').delete()
  await db.from('listings').delete()
  await db.from('event_status_changes').delete()
  await db.from('event_sources').delete()
  await db.from('events').delete()
  await db.from('platform_notices').delete()
}

test.group('events:add <page url> through the real command (issue #16 items 1–4)', (group) => {
  let server: FixtureServer
  group.setup(async () => {
    await seedPlatforms()
  })
  group.each.setup(async () => {
    await resetCatalogue()
    server = await new FixtureServer().start()
    server.on('GET /robots.txt', { body: 'User-agent: *\nDisallow: /private/\n' })
    return () => server.close()
  })

  test('with the default limits a page of two games is added whole: robots.txt and the page, one request each', async ({
    assert,
  }) => {
    const platform = await db.from('platforms').where('slug', 'jsonld').first()
    assert.equal(Number(platform.requests_per_second), 0.2, 'the seeded default limit')
    server.on('GET /games/doubleheader-2031-06-14', html('invented-doubleheader-graph.html'))

    const result = await ace(['events:add', `${server.origin}/games/doubleheader-2031-06-14`], {
      SSRF_ALLOW: '127.0.0.1',
    })
    assert.equal(result.status, 0, result.output)
    assert.include(result.output, 'Pine Valley Owls at Harbor City Gulls (Game 1)')
    assert.include(result.output, 'Pine Valley Owls at Harbor City Gulls (Game 2)')
    assert.include(result.output, '2 events on that page')
    assert.notInclude(result.output, 'limit reached')
    assert.equal(server.hits('GET /robots.txt'), 1)
    assert.equal(server.hits('GET /games/doubleheader-2031-06-14'), 1)

    const sources = await db
      .from('event_sources')
      .where('platform_id', platform.id)
      .select('availability', 'min_price_minor')
    assert.sameDeepMembers(
      sources.map((s) => ({ availability: s.availability, min: s.min_price_minor })),
      [
        { availability: 'in_stock', min: 2500 },
        { availability: 'limited', min: 3000 },
      ]
    )
  }).timeout(120_000)

  test('an invalid block is said in the output; a challenge page fails the add, flags the host and alerts an operator', async ({
    assert,
  }) => {
    await User.query().delete()
    const admin = await createUser('admin')
    server
      .on('GET /match', html('invented-two-blocks-one-invalid.html'))
      .on('GET /tickets', html('invented-challenge-page.html'))

    const partial = await ace(['events:add', `${server.origin}/match`], {
      SSRF_ALLOW: '127.0.0.1',
    })
    assert.equal(partial.status, 0, partial.output)
    assert.match(partial.output, /left out: 1 of 2 structured-data blocks invalid: script\[1\]/)

    const blocked = await ace(['events:add', `${server.origin}/tickets`], {
      SSRF_ALLOW: '127.0.0.1',
    })
    assert.equal(blocked.status, 1, blocked.output)
    assert.include(blocked.output, 'Cloudflare challenge page')
    assert.equal(server.hits('GET /tickets'), 1, 'never retried')
    const host = new URL(server.origin).host
    const notice = await db.from('platform_notices').where('subject', host).first()
    assert.equal(notice.kind, 'challenge_page')
    const alert = await db.from('alerts').where({ type: 'system_alert', user_id: admin.id }).first()
    assert.exists(alert, 'the operator was alerted')
  }).timeout(120_000)
})

test.group('events:discover through the real command (issue #16 items 5, 8)', (group) => {
  let server: FixtureServer
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
    return () => server.close()
  })

  test('a malformed event is named and skipped; the other 19 are stored with their prices', async ({
    assert,
  }) => {
    server.on('GET /discovery/v2/events.json', {
      body: fixtureJson('ticketmaster/invented-discovery-page-20-events-one-string-min.json'),
    })
    const result = await ace(['events:discover', '--platform=ticketmaster', '--pages=1'], {
      TICKETMASTER_BASE_URL: `${server.origin}/discovery/v2`,
    })
    assert.equal(result.status, 0, result.output)
    assert.include(
      result.output,
      'skipped event vvG1IZ9xInvent06 at $._embedded.events[6].priceRanges[0].min'
    )
    assert.include(result.output, '19 events seen: 19 new')
    assert.include(result.output, 'prices stored for 19')
    assert.match(
      server.last('GET /discovery/v2/events.json').query.get('startDateTime') ?? '',
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      'from now on by default'
    )
  }).timeout(120_000)

  test('a positive total with no events is reported as an inconsistency, not "0 events"', async ({
    assert,
  }) => {
    server.on('GET /discovery/v2/events.json', {
      body: fixtureJson('ticketmaster/invented-discovery-page-total-without-events.json'),
    })
    const result = await ace(
      ['events:discover', '--platform=ticketmaster', '--keyword=gulls', '--pages=1'],
      { TICKETMASTER_BASE_URL: `${server.origin}/discovery/v2` }
    )
    assert.equal(result.status, 1, result.output)
    assert.include(result.output, 'ticketmaster answered inconsistently')
    assert.include(result.output, 'announcing 57 events carried none')
    const notice = await db.from('platform_notices').where('kind', 'inconsistent_page').first()
    assert.exists(notice)
  }).timeout(120_000)
})
