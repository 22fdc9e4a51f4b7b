/**
 * Issue #18: all-in prices from the sandbox exchange on the event page, the
 * user's price mode, and a deal score that knows where the seat is.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { createUser } from '#tests/helpers/users'
import { seedPlatforms, startTestSandbox } from '#tests/helpers/sandbox'

async function resetMarket() {
  await db.from('venue_zones').delete()
  await db.from('listing_changes').delete()
  await db.from('listings').delete()
  await db.from('event_status_changes').delete()
  await db.from('event_sources').delete()
  await db.from('events').delete()
}

/** An event at a venue with listings of the given sections and prices (dollars). */
async function eventWith(venue: string, listings: Array<[string, number]>) {
  const now = new Date()
  const platform = await db.from('platforms').where('slug', 'sandbox').first()
  const [event] = await db
    .table('events')
    .insert({
      name: 'Zone Test at Home',
      league: 'Zone League',
      home_team: 'Zone Home',
      away_team: 'Zone Test',
      venue,
      starts_at: new Date(now.getTime() + 20 * 86_400_000),
      status: 'onsale',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
  const eventId = typeof event === 'object' ? Number(event.id) : Number(event)
  const [source] = await db
    .table('event_sources')
    .insert({
      event_id: eventId,
      platform_id: platform.id,
      external_id: `zone-${eventId}`,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
  const sourceId = typeof source === 'object' ? Number(source.id) : Number(source)
  const ids: number[] = []
  for (const [index, [section, dollars]] of listings.entries()) {
    const [row] = await db
      .table('listings')
      .insert({
        event_source_id: sourceId,
        event_id: eventId,
        external_id: `l${index}`,
        section,
        row: '1',
        quantity: 2,
        price_minor: dollars * 100,
        currency: 'USD',
        status: 'available',
        first_seen_at: now,
        last_changed_at: now,
      })
      .returning('id')
    ids.push(typeof row === 'object' ? Number(row.id) : Number(row))
  }
  return { eventId, ids }
}

test.group('Deals: all-in prices and zone-aware scores (#18)', (group) => {
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

  test('the sandbox states fees, tax and delivery: the event page has the all-in price beside the base', async ({
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
    const page = await client
      .get(added.header('location') ?? '')
      .loginAs(user)
      .withInertia()
    const listings = page.body().props.listings
    assert.isAbove(listings.length, 0)
    for (const listing of listings) {
      assert.isAbove(listing.priceWithFees.amountMinor, listing.price.amountMinor)
      assert.isString(listing.delivery.method)
      assert.isAtLeast(listing.delivery.fee.amountMinor, 0)
    }
    assert.equal(page.body().props.user.priceMode, 'all_in')
  })

  test('the price mode is saved from Settings and the API, and refused naming the field', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const saved = await client
      .put('/settings/profile')
      .form({ fullName: 'Fan', timezone: 'UTC', priceMode: 'base' })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    saved.assertStatus(302)
    await user.refresh()
    assert.equal(user.priceMode, 'base')

    const token = await User.accessTokens.create(user, ['read', 'write'])
    const secret = token.value!.release()
    const patched = await client
      .patch('/api/v1/me')
      .bearerToken(secret)
      .json({ priceMode: 'all_in' })
    patched.assertStatus(200)
    assert.equal(patched.body().data.priceMode, 'all_in')
    const refused = await client
      .patch('/api/v1/me')
      .bearerToken(secret)
      .json({ priceMode: 'cheap' })
    refused.assertStatus(422)
    assert.equal(refused.body().errors[0].field, 'priceMode')
  })

  test('a fairly priced lower-level seat outranks a cheap upper-level one; "why?" names the zone and its comparables', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const { eventId, ids } = await eventWith('Zone Arena', [
      ['112', 125], // fairly priced lower-level seat (below its zone's median)
      ['305', 34], // cheap upper-level seat, typical for the upper level
      ['101', 120],
      ['104', 130],
      ['108', 140],
      ['110', 150],
      ['301', 30],
      ['302', 32],
      ['310', 36],
      ['320', 38],
    ])
    const page = await client.get(`/events/${eventId}`).loginAs(user).withInertia()
    const scores = page.body().props.dealScores
    const lower = scores[ids[0]]
    const upper = scores[ids[1]]
    assert.equal(lower.comparables.scope, 'zone')
    assert.equal(lower.comparables.zone.id, 'lower')
    assert.equal(lower.comparables.count, 4)
    assert.equal(upper.comparables.zone.id, 'upper')
    assert.isAbove(lower.score, upper.score)
    assert.match(lower.explanation[0], /4 other listings in the same zone "Lower level"/)
    /** No history and no played games: the band says so, with the counts */
    const band = page.body().props.band
    assert.equal(band.verdict, 'not_enough_data')
    assert.match(band.text, /^Not enough data: 0 days of this event's prices \(7 needed\)/)
  })

  test("an admin sets a venue's zone on the admin page; it wins over the section's name, is audited, and 'auto' hands it back", async ({
    client,
    assert,
  }) => {
    const admin = await createUser('admin')
    const { eventId, ids } = await eventWith('Zone Arena', [
      ['305', 34],
      ['301', 30],
      ['302', 32],
      ['310', 36],
    ])
    const page = await client.get('/admin/zones?venue=Zone%20Arena').loginAs(admin).withInertia()
    assert.equal(page.body().component, 'admin/zones')
    const row = page.body().props.sections.find((s: any) => s.section === '305')
    assert.deepInclude(row, { zone: 'upper', source: 'name', medianMinor: 3_400 })

    const refused = await client
      .put('/admin/zones')
      .json({ venue: 'Zone Arena', section: '305', zone: 'penthouse' })
      .header('accept', 'application/json')
      .loginAs(admin)
      .withCsrfToken()
    refused.assertStatus(422)
    assert.equal(refused.body().errors[0].field, 'zone')

    const saved = await client
      .put('/admin/zones')
      .json({ venue: 'Zone Arena', section: '305', zone: 'club' })
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)
    saved.assertStatus(302)
    const scored = await client.get(`/events/${eventId}`).loginAs(admin).withInertia()
    assert.deepEqual(scored.body().props.dealScores[ids[0]].comparables.zone, {
      id: 'club',
      label: 'Club and suites',
      source: 'admin',
    })
    const audit = await db.from('audit_logs').where('action', 'venue.zone_set').first()
    assert.equal(audit.to_state, 'club')

    await client
      .put('/admin/zones')
      .json({ venue: 'Zone Arena', section: '305', zone: 'auto' })
      .loginAs(admin)
      .withCsrfToken()
    assert.lengthOf(await db.from('venue_zones'), 0)
  })

  test("an admin's zone for a section wins over its name", async ({ client, assert }) => {
    const user = await createUser('member')
    const { eventId, ids } = await eventWith('Zone Arena', [
      ['305', 34],
      ['301', 30],
      ['302', 32],
      ['310', 36],
    ])
    await db.table('venue_zones').insert({ venue: 'Zone Arena', section: '305', zone: 'club' })
    const page = await client.get(`/events/${eventId}`).loginAs(user).withInertia()
    const score = page.body().props.dealScores[ids[0]]
    assert.equal(score.comparables.zone.id, 'club')
    assert.equal(score.comparables.zone.source, 'admin')
  })
})
