import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { checkSource } from '#monitoring/check_market_service'
import { discoverEvents } from '#monitoring/discovery_service'
import { createUser } from '#tests/helpers/users'
import { seedPlatforms, startTestSandbox } from '#tests/helpers/sandbox'

async function resetMarket() {
  await db.from('listing_changes').delete()
  await db.from('listings').delete()
  await db.from('event_status_changes').delete()
  await db.from('event_sources').delete()
  await db.from('events').delete()
}

test.group('Events from the sandbox exchange', (group) => {
  let sandbox: Awaited<ReturnType<typeof startTestSandbox>>
  group.setup(async () => {
    await seedPlatforms()
    sandbox = await startTestSandbox()
    return () => sandbox.stop()
  })
  group.each.setup(async () => {
    await resetMarket()
    await User.query().delete()
  })

  test('discovery upserts every event once, however often it runs', async ({ assert }) => {
    const first = await discoverEvents('sandbox', {})
    const again = await discoverEvents('sandbox', {})
    assert.equal(first.createdEvents, sandbox.exchange.simulator.events().length)
    assert.equal(again.createdEvents, 0)
    assert.equal(again.updated, first.seen)
    const sources = await db.from('event_sources').count('* as total').first()
    assert.equal(Number(sources.total), first.seen)
  })

  test('adding an event by platform id shows its listings on the event page', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const simEvent = sandbox.exchange.simulator.events()[0]
    const added = await client
      .post('/events')
      .json({ reference: `sandbox:${simEvent.id}` })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    added.assertStatus(302)
    const location = added.header('location') ?? ''
    assert.match(location, /^\/events\/\d+$/)

    const page = await client.get(location).loginAs(user).withInertia()
    page.assertStatus(200)
    assert.equal(page.body().component, 'events/show')
    const available = sandbox.exchange.simulator
      .listings(simEvent.id)
      .filter((listing: any) => listing.available > 0)
    assert.lengthOf(page.body().props.listings, available.length)
    for (const listing of page.body().props.listings) {
      assert.isTrue(Number.isInteger(listing.price.amountMinor))
      assert.equal(listing.price.currency, 'USD')
    }
    const list = await client.get('/events').loginAs(user).withInertia()
    assert.equal(list.body().props.events[0].name, page.body().props.event.name)
  })

  test('a malformed reference is refused, naming the field, and nothing is written', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const response = await client
      .post('/events')
      .json({ reference: 'not a thing' })
      .header('accept', 'application/json')
      .loginAs(user)
      .withCsrfToken()
    response.assertStatus(422)
    response.assertBodyContains({ errors: [{ field: 'reference' }] })
    const events = await db.from('events').count('* as total').first()
    assert.equal(Number(events.total), 0)
  })

  test('a failed check records its reason and leaves the stored listings as they were', async ({
    assert,
  }) => {
    await discoverEvents('sandbox', {})
    const source = await db.from('event_sources').orderBy('id').first()
    const first = await checkSource(source.id)
    assert.equal(first.outcome, 'done')
    const before = await db.from('listings').where('event_source_id', source.id).orderBy('id')

    sandbox.exchange.setFault(503)
    try {
      const failed = await checkSource(source.id)
      assert.equal(failed.outcome, 'failed')
    } finally {
      sandbox.exchange.setFault(null)
    }
    const after = await db.from('listings').where('event_source_id', source.id).orderBy('id')
    assert.deepEqual(after, before)
    const stored = await db.from('event_sources').where('id', source.id).first()
    assert.equal(stored.consecutive_failures, 1)
    assert.include(stored.last_error, 'unavailable')
  })

  test('an event added by reference is the baseline: the first scheduled check alerts on what changed since', async ({
    assert,
  }) => {
    const { addEvent } = await import('#monitoring/discovery_service')
    const { default: WatchRuleService } = await import('#alerts/watch_rule_service')
    const simEvent = sandbox.exchange.simulator
      .events()
      .find(
        (event: any) =>
          event.state === 'shown' &&
          sandbox.exchange.simulator.listings(event.id).some((l: any) => l.available > 0)
      )!
    const added = await addEvent(`sandbox:${simEvent.id}`)
    const user = await createUser('member')
    await new WatchRuleService().create(user, {
      name: 'Drops',
      eventId: added.eventId,
      triggers: [{ kind: 'price_drop', percent: 5 }],
    } as any)
    const simListing = sandbox.exchange.simulator
      .listings(simEvent.id)
      .find((listing: any) => listing.available > 0)!
    sandbox.exchange.mutate((simulator) =>
      simulator.setPrice(simListing.id, Math.max(600, Math.round(simListing.retailCents / 2)))
    )
    await checkSource(added.sourceId)
    const alerts = await db.from('alerts').where({ user_id: user.id, event_id: added.eventId })
    assert.lengthOf(alerts, 1)
    await db.from('alerts').delete()
    await db.from('watch_rules').delete()
  })

  test('a market change in the exchange becomes change-only history on the next check', async ({
    assert,
  }) => {
    await discoverEvents('sandbox', {})
    const source = await db.from('event_sources').orderBy('id').first()
    await checkSource(source.id)
    const unchanged = await checkSource(source.id)
    assert.deepInclude(unchanged, { outcome: 'done', changes: 0 })

    const simListing = sandbox.exchange.simulator
      .listings(Number(source.external_id))
      .find((listing: any) => listing.available > 0)!
    sandbox.exchange.mutate((simulator) => simulator.setPrice(simListing.id, 12_345))
    const changed = await checkSource(source.id)
    assert.deepInclude(changed, { outcome: 'done', changes: 1 })
    const row = await db
      .from('listing_changes')
      .where({ event_source_id: source.id, kind: 'price_changed' })
      .first()
    assert.equal(row.new_price_minor, 12_345)
  })
})

test.group('Adding events: errors shown beside the field', (group) => {
  let sandbox: Awaited<ReturnType<typeof startTestSandbox>>
  group.setup(async () => {
    await seedPlatforms()
    sandbox = await startTestSandbox()
    return () => sandbox.stop()
  })

  test('an event the platform does not have comes back as a field error on the form', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const response = await client
      .post('/events')
      .json({ reference: 'sandbox:999999999' })
      .header('referer', '/events')
      .loginAs(user)
      .withCsrfToken()
      .withInertia()
    assert.equal(response.body().component, 'events/index')
    assert.include(response.body().props.errors.reference, 'gone')
  })
})

test.group('Operators pause, resume and check sources', (group) => {
  let sandbox: Awaited<ReturnType<typeof startTestSandbox>>
  group.setup(async () => {
    await seedPlatforms()
    sandbox = await startTestSandbox()
    return () => sandbox.stop()
  })

  test('a paused source is skipped by checks until it is resumed; every action is audited', async ({
    client,
    assert,
  }) => {
    await resetMarket()
    const manager = await createUser('manager')
    await discoverEvents('sandbox', {})
    const source = await db.from('event_sources').orderBy('id').first()

    ;(
      await client
        .post(`/admin/sources/${source.id}/pause`)
        .json({ reason: 'maintenance' })
        .loginAs(manager)
        .withCsrfToken()
        .redirects(0)
    ).assertStatus(302)
    assert.deepInclude(await checkSource(source.id), {
      outcome: 'skipped',
      reason: 'source paused',
    })

    const health = await client.get('/admin/sources').loginAs(manager).withInertia()
    assert.equal(health.body().props.problems[0].id, source.id)

    ;(
      await client
        .post(`/admin/sources/${source.id}/resume`)
        .loginAs(manager)
        .withCsrfToken()
        .redirects(0)
    ).assertStatus(302)
    assert.equal((await checkSource(source.id)).outcome, 'done')
    const audit = await db
      .from('audit_logs')
      .where('subject_type', 'event_source')
      .orderBy('id')
      .select('action')
    assert.deepEqual(
      audit.map((row) => row.action),
      ['source.paused', 'source.resumed']
    )
  })
})

test.group('Checks stop when an event has passed', (group) => {
  let sandbox: Awaited<ReturnType<typeof startTestSandbox>>
  group.setup(async () => {
    await seedPlatforms()
    sandbox = await startTestSandbox()
    return () => sandbox.stop()
  })

  test('a source of an event that started hours ago stops being checked and the event is archived', async ({
    assert,
  }) => {
    await resetMarket()
    await discoverEvents('sandbox', {})
    const source = await db.from('event_sources').orderBy('id').first()
    const now = new Date()
    await db
      .from('events')
      .where('id', source.event_id)
      .update({ starts_at: new Date(now.getTime() - 5 * 3_600_000) })
    const outcome = await checkSource(source.id, now)
    assert.equal(outcome.outcome, 'done')
    const stored = await db.from('event_sources').where('id', source.id).first()
    assert.equal(stored.state, 'ended')
    const event = await db.from('events').where('id', source.event_id).first()
    assert.isNotNull(event.archived_at)
    assert.deepInclude(await checkSource(source.id, now), { outcome: 'skipped' })
  })

  test('an upcoming event gets its next check time from the planner', async ({ assert }) => {
    await resetMarket()
    await discoverEvents('sandbox', {})
    const source = await db.from('event_sources').orderBy('id').first()
    const now = new Date()
    await checkSource(source.id, now)
    const stored = await db.from('event_sources').where('id', source.id).first()
    assert.equal(stored.state, 'active')
    assert.isAbove(stored.check_interval_ms, 0)
    assert.closeTo(
      new Date(stored.next_check_at).getTime() - now.getTime(),
      stored.check_interval_ms,
      1000
    )
  })
})
