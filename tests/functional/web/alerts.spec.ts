import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import WatchRuleService from '#alerts/watch_rule_service'
import { sweepOutbox } from '#alerts/alert_service'
import { checkSource } from '#monitoring/check_market_service'
import { discoverEvents } from '#monitoring/discovery_service'
import { writeMarket } from '#monitoring/market_writer'
import { createUser } from '#tests/helpers/users'
import { seedPlatforms, startTestSandbox } from '#tests/helpers/sandbox'
import { normalisedEvent, normalisedListing, snapshot } from '#tests/helpers/market'

async function resetAll() {
  for (const table of [
    'alert_outbox',
    'alerts',
    'watch_rules',
    'listing_changes',
    'listings',
    'event_status_changes',
    'event_sources',
    'events',
  ]) {
    await db.from(table).delete()
  }
  await User.query().delete()
}

test.group('From a market change to an alert', (group) => {
  let sandbox: Awaited<ReturnType<typeof startTestSandbox>>
  group.setup(async () => {
    await seedPlatforms()
    sandbox = await startTestSandbox()
    return () => sandbox.stop()
  })
  group.each.setup(() => resetAll())

  test('a new listing under the cap raises one alert, not two, and reaches the user live', async ({
    assert,
  }) => {
    const user = await createUser('member')
    await discoverEvents('sandbox', {})
    const source = await db.from('event_sources').orderBy('id').first()
    await checkSource(source.id)
    await new WatchRuleService().create(user, {
      name: 'Cheap pair',
      eventId: source.event_id,
      maxPriceMinor: 5_000,
      currency: 'USD',
      /** The ticket price before fees (a new rule compares all-in unless told) */
      includeFees: false,
      minQuantity: 2,
      triggers: [{ kind: 'available' }],
    } as any)

    const simEventId = Number(source.external_id)
    const added = sandbox.exchange.mutate((simulator) =>
      simulator.addListing(simEventId, {
        section: '101',
        row: 'A',
        retailCents: 4_200,
        quantity: 2,
        splitRule: 'any',
      })
    )
    const result = await checkSource(source.id)
    assert.deepInclude(result, { outcome: 'done' })

    const alerts = await db.from('alerts').where('user_id', user.id)
    assert.lengthOf(alerts, 1)
    assert.equal(alerts[0].condition, 'available')
    assert.equal(alerts[0].type, 'ticket_available')
    assert.equal(alerts[0].price_minor, 4_200)
    const listing = await db.from('listings').where('id', alerts[0].listing_id).first()
    assert.equal(listing.external_id, String(added.id))
    assert.equal(
      await db
        .from('alert_outbox')
        .count('* as total')
        .first()
        .then((row) => Number(row.total)),
      0
    )

    /** The price moves a little: same rule, listing and condition inside the cooldown → no second alert. */
    sandbox.exchange.mutate((simulator) => simulator.setPrice(added.id, 4_100))
    await checkSource(source.id)
    assert.lengthOf(await db.from('alerts').where('user_id', user.id), 1)
  })

  test('the first load of a market is the baseline: it raises no alert', async ({ assert }) => {
    const user = await createUser('member')
    await discoverEvents('sandbox', {})
    const source = await db.from('event_sources').orderBy('id').first()
    await new WatchRuleService().create(user, {
      name: 'Anything',
      eventId: source.event_id,
      triggers: [{ kind: 'available' }],
    } as any)
    await checkSource(source.id)
    assert.lengthOf(await db.from('alerts'), 0)
    assert.isAbove((await db.from('listings').where('event_source_id', source.id)).length, 0)
  })

  test('a rule on another event, or over the cap, raises nothing', async ({ assert }) => {
    const user = await createUser('member')
    await discoverEvents('sandbox', {})
    const [first, second] = await db.from('event_sources').orderBy('id').limit(2)
    await checkSource(first.id)
    await new WatchRuleService().create(user, {
      name: 'Other game',
      eventId: second.event_id,
      maxPriceMinor: 100_000,
      currency: 'USD',
      triggers: [{ kind: 'available' }],
    } as any)
    await new WatchRuleService().create(user, {
      name: 'Too cheap to exist',
      eventId: first.event_id,
      maxPriceMinor: 100,
      currency: 'USD',
      triggers: [{ kind: 'available' }],
    } as any)
    sandbox.exchange.mutate((simulator) =>
      simulator.addListing(Number(first.external_id), { retailCents: 4_000, quantity: 2 })
    )
    await checkSource(first.id)
    assert.lengthOf(await db.from('alerts'), 0)
  })

  test('a worker that dies between the market write and the rules loses no alert', async ({
    assert,
  }) => {
    const user = await createUser('member')
    const platform = await db.from('platforms').where('slug', 'sandbox').first()
    const { upsertEvent } = await import('#monitoring/event_catalogue')
    const event = normalisedEvent()
    const { eventId, sourceId } = await upsertEvent(platform.id, event)
    await new WatchRuleService().create(user, {
      name: 'Any seat',
      eventId,
      triggers: [{ kind: 'available' }],
    } as any)
    const detectedAt = new Date(Date.now() - 60_000)
    /** The first load is the baseline; the next change is news. */
    await writeMarket(
      { id: sourceId, eventId },
      snapshot(event, []),
      new Date(detectedAt.getTime() - 60_000)
    )
    /** The write commits (with its outbox row); the process "dies" before evaluating. */
    const written = await writeMarket(
      { id: sourceId, eventId },
      snapshot(event, [normalisedListing('L1', 3_000, 2)]),
      detectedAt
    )
    assert.isNotNull(written.outboxId)
    assert.lengthOf(await db.from('alerts'), 0)

    assert.equal(await sweepOutbox(new Date()), 1)
    const alerts = await db.from('alerts').where('user_id', user.id)
    assert.lengthOf(alerts, 1)
    assert.equal(new Date(alerts[0].detected_at).getTime(), detectedAt.getTime())
    /** A second sweep finds nothing left to do and makes no duplicate. */
    assert.equal(await sweepOutbox(new Date()), 0)
    assert.lengthOf(await db.from('alerts'), 1)
  })
})
