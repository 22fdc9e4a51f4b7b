import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Platform from '#models/platform'
import ConnectorRuntime, { resetConnectorRuntime } from '#connectors/runtime'
import { addEvent, discoverEvents } from '#monitoring/discovery_service'
import { encryptSecret } from '#security/secrets'
import { FixtureServer, fixtureJson } from '#tests/connectors/helpers/fixture_server'
import { seedPlatforms } from '#tests/helpers/sandbox'

/**
 * The discovery service (what `events:discover` and `events:add` run) on the
 * real Ticketmaster connector, against a local server replaying the recorded
 * Discovery API payloads — on each database.
 */
test.group('Discovery against recorded Ticketmaster payloads', (group) => {
  let server: FixtureServer
  let runtime: ConnectorRuntime
  group.setup(async () => {
    await seedPlatforms()
    server = await new FixtureServer().start()
    server
      .on('GET /discovery/v2/events.json', {
        body: fixtureJson('ticketmaster/discovery-events-page.nba-sports-2022.json'),
      })
      .on('GET /discovery/v2/events/G5diZfkn0B-bh.json', {
        body: fixtureJson('ticketmaster/discovery-event-detail.official-docs-2016.json'),
      })
    await db
      .from('platforms')
      .where('slug', 'ticketmaster')
      .update({
        encrypted_credentials: encryptSecret({ apikey: 'tm-test-key' }, 'platform.credentials'),
      })
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

  test('discovery stores each event once and uses the deployment credential', async ({
    assert,
  }) => {
    const platform = await Platform.findByOrFail('slug', 'ticketmaster')
    /** The recorded page is of October 2022: discovery runs as of then (past games are not stored) */
    const asOf = { maxPages: 1, now: new Date('2022-10-01T00:00:00Z') }
    const first = await discoverEvents('ticketmaster', { keyword: 'nba' }, asOf)
    assert.isAbove(first.seen, 0)
    const again = await discoverEvents('ticketmaster', { keyword: 'nba' }, asOf)
    assert.equal(again.createdEvents + again.linkedSources, 0)
    const sources = await db
      .from('event_sources')
      .where('platform_id', platform.id)
      .count('* as total')
      .first()
    assert.equal(Number(sources.total), first.createdEvents + first.linkedSources)
    assert.equal(server.last('GET /discovery/v2/events.json').query.get('apikey'), 'tm-test-key')
  })

  test('adding by platform id stores the event with its status and no listings', async ({
    assert,
  }) => {
    const added = await addEvent('ticketmaster:G5diZfkn0B-bh')
    assert.isNull(added.listings)
    const event = await db.from('events').where('id', added.eventId).first()
    assert.equal(event.name, added.event.name)
    const source = await db.from('event_sources').where('id', added.sourceId).first()
    assert.equal(source.external_id, 'G5diZfkn0B-bh')
    assert.isNotNull(source.last_success_at)
  })

  test('an unknown platform is refused, naming it', async ({ assert }) => {
    await assert.rejects(() => discoverEvents('nowhere', {}), /Unknown platform "nowhere"/)
  })
})
