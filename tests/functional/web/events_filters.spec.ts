import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { upsertEvent } from '#monitoring/event_catalogue'
import { encodeEventCursor } from '#monitoring/event_cursor'
import { createUser } from '#tests/helpers/users'
import { createPlatform, normalisedEvent } from '#tests/helpers/market'
import { seedPlatforms, startTestSandbox } from '#tests/helpers/sandbox'
import transmit from '@adonisjs/transmit/services/main'

async function resetCatalogue() {
  await db.from('listing_changes').delete()
  await db.from('listings').delete()
  await db.from('event_status_changes').delete()
  await db.from('event_sources').delete()
  await db.from('events').delete()
}

const names = (response: any) => response.body().props.events.map((event: any) => event.name)

test.group('Events index: filters and cursor', (group) => {
  group.each.setup(async () => {
    await resetCatalogue()
    await User.query().delete()
  })

  test('each filter narrows the list, and they combine', async ({ client, assert }) => {
    const user = await createUser('viewer')
    const alpha = await createPlatform()
    const beta = await createPlatform()
    await upsertEvent(
      alpha.id,
      normalisedEvent({ name: 'Celtics v Lakers', startsAt: '2027-03-01T19:00:00.000Z' })
    )
    await upsertEvent(
      alpha.id,
      normalisedEvent({
        name: 'Arsenal v Chelsea',
        sport: 'Soccer',
        league: 'Premier League',
        homeTeam: 'Arsenal',
        awayTeam: 'Chelsea',
        venue: 'Emirates Stadium',
        startsAt: '2027-03-05T15:00:00.000Z',
        status: 'scheduled',
      })
    )
    await upsertEvent(
      beta.id,
      normalisedEvent({
        name: 'Knicks v Nets',
        homeTeam: 'New York Knicks',
        awayTeam: 'Brooklyn Nets',
        venue: 'Madison Square Garden',
        startsAt: '2027-04-10T23:30:00.000Z',
        status: 'postponed',
      })
    )

    const get = (qs: Record<string, string>) =>
      client.get('/events').qs(qs).loginAs(user).withInertia()
    assert.deepEqual(names(await get({})), [
      'Celtics v Lakers',
      'Arsenal v Chelsea',
      'Knicks v Nets',
    ])
    assert.deepEqual(names(await get({ sport: 'soccer' })), ['Arsenal v Chelsea'])
    assert.deepEqual(names(await get({ league: 'NBA' })), ['Celtics v Lakers', 'Knicks v Nets'])
    assert.deepEqual(names(await get({ team: 'nets' })), ['Knicks v Nets'])
    assert.deepEqual(names(await get({ venue: 'garden' })), ['Celtics v Lakers', 'Knicks v Nets'])
    assert.deepEqual(names(await get({ from: '2027-03-02', to: '2027-03-31' })), [
      'Arsenal v Chelsea',
    ])
    assert.deepEqual(
      names(await get({ to: '2027-03-01' })),
      ['Celtics v Lakers'],
      'the to-day is included'
    )
    assert.deepEqual(names(await get({ platform: beta.slug })), ['Knicks v Nets'])
    assert.deepEqual(names(await get({ status: 'postponed' })), ['Knicks v Nets'])
    assert.deepEqual(names(await get({ league: 'NBA', platform: alpha.slug })), [
      'Celtics v Lakers',
    ])
    assert.deepEqual(names(await get({ q: 'lakers' })), ['Celtics v Lakers'])
    assert.deepEqual(names(await get({ q: '%' })), [], 'a wildcard is searched as text')

    const page = (await get({ sport: 'Soccer' })).body().props
    assert.deepEqual(page.filters, { sport: 'Soccer' })
    assert.deepEqual(page.filterErrors, {})
    assert.sameMembers(page.sports, ['Basketball', 'Soccer'])
    assert.sameMembers(page.leagues, ['NBA', 'Premier League'])
    assert.includeDeepMembers(page.platforms, [
      { slug: alpha.slug, name: alpha.name },
      { slug: beta.slug, name: beta.name },
    ])
  })

  test('the cursor walks every event once, dated ones by start then undated ones', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const platform = await createPlatform()
    const base = Date.UTC(2027, 5, 1)
    /** Two games at the same minute, to exercise the id tie-break; three undated ones at the end. */
    for (let index = 0; index < 28; index++) {
      await upsertEvent(
        platform.id,
        normalisedEvent({
          name: `Game ${String(index).padStart(2, '0')}`,
          startsAt: new Date(base + Math.floor(index / 2) * 86_400_000).toISOString(),
          venue: `Venue ${index}`,
        })
      )
    }
    for (let index = 0; index < 3; index++) {
      await upsertEvent(
        platform.id,
        normalisedEvent({ name: `Undated ${index}`, startsAt: null, venue: `Somewhere ${index}` })
      )
    }
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const response: any = await client
        .get('/events')
        .qs(cursor ? { cursor } : {})
        .loginAs(user)
        .withInertia()
      response.assertStatus(200)
      seen.push(...names(response))
      cursor = response.body().props.nextCursor
      if (cursor) assert.match(cursor, /^[A-Za-z0-9_-]+$/, 'opaque and URL-safe')
      pages++
    } while (cursor && pages < 5)
    assert.equal(pages, 2)
    assert.lengthOf(seen, 31)
    assert.equal(new Set(seen).size, 31)
    assert.deepEqual(
      seen.slice(0, 28),
      Array.from({ length: 28 }, (_, index) => `Game ${String(index).padStart(2, '0')}`)
    )
    assert.deepEqual(seen.slice(28).sort(), ['Undated 0', 'Undated 1', 'Undated 2'])

    /** Filters hold across pages: the cursor is combined with them. */
    const filtered = await client.get('/events').qs({ q: 'undated' }).loginAs(user).withInertia()
    assert.lengthOf(names(filtered), 3)
    assert.isNull(filtered.body().props.nextCursor)
  })

  test('an invalid cursor is refused with a clear error on the cursor, and the first page is shown', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const platform = await createPlatform()
    await upsertEvent(platform.id, normalisedEvent({ name: 'Only Game' }))
    const forged = [
      'garbage!',
      '1700000000000_5',
      Buffer.from('["d","soon",1]').toString('base64url'),
      Buffer.from('["x",1]').toString('base64url'),
      encodeEventCursor({ undated: false, startsAtMs: 1, id: 1 }).slice(0, -2),
    ]
    for (const cursor of forged) {
      const response = await client.get('/events').qs({ cursor }).loginAs(user).withInertia()
      response.assertStatus(422)
      assert.equal(response.body().component, 'events/index', cursor)
      assert.match(response.body().props.filterErrors.cursor, /page link is not valid/, cursor)
      assert.deepEqual(names(response), ['Only Game'], cursor)
    }
    const valid = await client
      .get('/events')
      .qs({ cursor: encodeEventCursor({ undated: false, startsAtMs: 0, id: 1 }) })
      .loginAs(user)
      .withInertia()
    valid.assertStatus(200)
  })

  test('a malformed date or unknown status names its field (422) without listing anything', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const platform = await createPlatform()
    await upsertEvent(platform.id, normalisedEvent({ name: 'Some Game' }))
    const badDate = await client
      .get('/events')
      .qs({ from: '01/02/2027' })
      .loginAs(user)
      .withInertia()
    badDate.assertStatus(422)
    assert.property(badDate.body().props.filterErrors, 'from')
    assert.deepEqual(
      badDate.body().props.filters,
      { from: '01/02/2027' },
      'what was typed comes back to be corrected'
    )
    const reversed = await client
      .get('/events')
      .qs({ from: '2027-02-02', to: '2027-02-01' })
      .loginAs(user)
      .withInertia()
    reversed.assertStatus(422)
    assert.property(reversed.body().props.filterErrors, 'to')
    const status = await client.get('/events').qs({ status: 'sold' }).loginAs(user).withInertia()
    status.assertStatus(422)
    assert.property(status.body().props.filterErrors, 'status')
    assert.lengthOf(status.body().props.events, 0)
  })
})

test.group('Events index: adding from a platform search', (group) => {
  let sandbox: Awaited<ReturnType<typeof startTestSandbox>>
  group.setup(async () => {
    await seedPlatforms()
    sandbox = await startTestSandbox()
    return () => sandbox.stop()
  })
  group.each.setup(async () => {
    await resetCatalogue()
    await User.query().delete()
    await sandbox.fresh()
  })

  test('a search adds what the platform finds, says how many, and reports progress on the user channel', async ({
    client,
    assert,
    cleanup,
  }) => {
    const user = await createUser('member')
    const progress: any[] = []
    const original = transmit.broadcast.bind(transmit)
    transmit.broadcast = ((channel: string, payload: any) => {
      if (channel === `users/${user.id}` && payload?.kind === 'discover') progress.push(payload)
      return original(channel, payload)
    }) as typeof transmit.broadcast
    cleanup(() => {
      transmit.broadcast = original
    })

    const response = await client
      .post('/events/discover')
      .json({ platform: 'sandbox' })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    assert.equal(response.header('location'), '/events?platform=sandbox')
    const total = sandbox.exchange.simulator.events().length
    const stored = await db.from('events').count('* as total').first()
    assert.equal(Number(stored.total), total)
    assert.isAtLeast(progress.length, 1)
    assert.equal(progress[progress.length - 1].seen, total)
    assert.equal(progress[progress.length - 1].platform, 'sandbox')

    const list = await client.get('/events').qs({ platform: 'sandbox' }).loginAs(user).withInertia()
    assert.lengthOf(list.body().props.events, total)
    assert.include(
      response.flashMessages().success,
      `${total} events found on sandbox: ${total} new`
    )
  })

  test('an unknown platform is refused naming the field, and nothing is added', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const response = await client
      .post('/events/discover')
      .json({ platform: 'nowhere' })
      .loginAs(user)
      .withCsrfToken()
      .header('accept', 'application/json')
    response.assertStatus(422)
    response.assertBodyContains({ errors: [{ field: 'platform' }] })
    const stored = await db.from('events').count('* as total').first()
    assert.equal(Number(stored.total), 0)
  })
})
