/**
 * Bulk export and import: export → import into an empty instance → the
 * same export; JSON and CSV; dry runs and bad rows write nothing; secrets
 * never leave.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import Account from '#models/account'
import { upsertEvent } from '#monitoring/event_catalogue'
import { encryptSecret } from '#security/secrets'
import { createUser } from '#tests/helpers/users'
import { createPlatform, normalisedEvent } from '#tests/helpers/market'

async function token(user: User, abilities: string[]) {
  return (await User.accessTokens.create(user, abilities)).value!.release()
}

const KINDS = ['events', 'accounts', 'watch-rules'] as const

async function emptyInstance() {
  for (const table of [
    'alerts',
    'watch_rules',
    'audit_logs',
    'accounts',
    'listing_changes',
    'listings',
    'event_status_changes',
    'event_sources',
    'events',
  ]) {
    await db.from(table).delete()
  }
}

test.group('API: bulk export and import', (group) => {
  group.each.setup(async () => {
    await emptyInstance()
    await User.query().delete()
  })

  async function seed() {
    const manager = await createUser('manager')
    const platform = await createPlatform()
    const other = await createPlatform()
    const a = await upsertEvent(
      platform.id,
      normalisedEvent({
        name: 'Lakers at Celtics, "the rivalry"',
        publicSale: { name: 'public', startsAt: '2026-12-01T15:00:00.000Z', endsAt: null },
      })
    )
    await upsertEvent(
      platform.id,
      normalisedEvent({
        name: 'Date TBA',
        startsAt: null,
        dateTbd: true,
        venue: null,
        city: null,
        status: 'scheduled',
      })
    )
    await upsertEvent(
      other.id,
      normalisedEvent({ name: 'Rangers at Devils', league: 'NHL', sport: 'Hockey' })
    )
    await db.from('events').where('id', a.eventId).update({ importance: 5 })
    await Account.create({
      userId: manager.id,
      platformId: platform.id,
      username: 'desk-1',
      encryptedCredentials: encryptSecret(
        { token: 'tok-SECRET-1', secret: 'shh-SECRET-2' },
        'account.credentials'
      ),
      status: 'ok',
      lastError: null,
      lastCheck: null,
    })
    const writer = await token(manager, ['read', 'write'])
    return { manager, platform, other, eventId: a.eventId, writer }
  }

  test('export → import into an empty instance → the same export (JSON); secrets never exported', async ({
    client,
    assert,
  }) => {
    const { platform, eventId, writer } = await seed()
    const rule = await client
      .post('/api/v1/watch-rules')
      .bearerToken(writer)
      .json({
        name: 'Cheap pair, any section 1xx',
        eventId,
        maxPriceMinor: 15000,
        currency: 'USD',
        minQuantity: 2,
        sections: ['1*'],
        triggers: [{ kind: 'price_drop', percent: 10 }, { kind: 'available' }],
        importance: 4,
        channels: ['in_app'],
      })
    rule.assertStatus(201)
    ;(
      await client
        .post('/api/v1/watch-rules')
        .bearerToken(writer)
        .json({
          name: 'All NHL',
          filters: { league: 'NHL', platforms: [platform.slug] },
          triggers: [{ kind: 'on_sale' }],
        })
    ).assertStatus(201)

    const before: Record<string, any> = {}
    for (const kind of KINDS) {
      const response = await client.get(`/api/v1/export/${kind}`).bearerToken(writer)
      response.assertStatus(200)
      before[kind] = response.body()
      assert.notMatch(response.text(), /SECRET|encrypted|credential/i)
    }
    assert.lengthOf(before.events.items, 3)
    assert.deepEqual(before.accounts.items, [{ platform: platform.slug, username: 'desk-1' }])
    assert.equal(
      before['watch-rules'].items[0].event,
      `${platform.slug}:${before.events.items.find((e: any) => e.importance === 5).externalId}`
    )

    await emptyInstance()
    for (const kind of KINDS) {
      const imported = await client
        .post(`/api/v1/import/${kind}`)
        .bearerToken(writer)
        .json({ items: before[kind].items })
      imported.assertStatus(200)
      assert.deepEqual(imported.body().data.errors, [], kind)
      assert.equal(imported.body().data.created, before[kind].items.length, kind)
    }
    for (const kind of KINDS) {
      const after = await client.get(`/api/v1/export/${kind}`).bearerToken(writer)
      assert.deepEqual(after.body(), before[kind], kind)
    }
    const account = await db.from('accounts').first()
    assert.equal(account.status, 'no_credentials')

    /** The same file again: everything is already there, nothing changes. */
    const again = await client
      .post('/api/v1/import/watch-rules')
      .bearerToken(writer)
      .json({ items: before['watch-rules'].items })
    assert.include(again.body().data, { created: 0, skipped: 2 })
  })

  test('CSV round trip: quotes, commas, nulls and nested values survive', async ({
    client,
    assert,
  }) => {
    const { eventId, writer } = await seed()
    ;(
      await client
        .post('/api/v1/watch-rules')
        .bearerToken(writer)
        .json({
          name: 'Rule, with "quotes"',
          eventId,
          triggers: [{ kind: 'lowest_in_days', days: 30 }],
        })
    ).assertStatus(201)
    const csv: Record<string, string> = {}
    for (const kind of KINDS) {
      const response = await client.get(`/api/v1/export/${kind}?format=csv`).bearerToken(writer)
      response.assertStatus(200)
      assert.match(response.header('content-type')!, /^text\/csv/)
      csv[kind] = response.text()
    }
    const json: Record<string, any> = {}
    for (const kind of KINDS)
      json[kind] = (await client.get(`/api/v1/export/${kind}`).bearerToken(writer)).body()

    await emptyInstance()
    for (const kind of KINDS) {
      const imported = await client
        .post(`/api/v1/import/${kind}`)
        .bearerToken(writer)
        .unsafeJson(csv[kind])
        .type('text/csv')
      imported.assertStatus(200)
      assert.deepEqual(imported.body().data.errors, [], kind)
    }
    for (const kind of KINDS) {
      assert.deepEqual(
        (await client.get(`/api/v1/export/${kind}`).bearerToken(writer)).body(),
        json[kind],
        kind
      )
      assert.equal(
        (await client.get(`/api/v1/export/${kind}?format=csv`).bearerToken(writer)).text(),
        csv[kind],
        kind
      )
    }
  })

  test('a dry run and a file with bad rows write nothing; the report names row and field', async ({
    client,
    assert,
  }) => {
    const { platform, writer } = await seed()
    const count = async () => Number((await db.from('events').count('* as total').first()).total)
    const eventsBefore = await count()
    const items = [
      { platform: platform.slug, externalId: 'new-1', name: 'Fine', status: 'scheduled' },
      { platform: platform.slug, externalId: 'new-2', name: '', status: 'scheduled' },
      { platform: 'nowhere', externalId: 'new-3', name: 'No platform', status: 'scheduled' },
      {
        platform: platform.slug,
        externalId: 'new-4',
        name: 'Typo',
        status: 'scheduled',
        venu: 'x',
      },
    ]
    const report = await client.post('/api/v1/import/events').bearerToken(writer).json({ items })
    report.assertStatus(200)
    assert.equal(report.body().data.created, 0)
    assert.deepEqual(
      report.body().data.errors.map((error: any) => [error.row, error.field]),
      [
        [2, 'name'],
        [3, 'platform'],
        [4, 'venu'],
      ]
    )
    assert.equal(await count(), eventsBefore)

    const dry = await client
      .post('/api/v1/import/events?dryRun=true')
      .bearerToken(writer)
      .json({ items: [items[0]] })
    assert.include(dry.body().data, { dryRun: true, created: 1 })
    assert.equal(await count(), eventsBefore)

    const csv = await client
      .post('/api/v1/import/watch-rules')
      .bearerToken(writer)
      .unsafeJson('name,minQuantity,triggers\r\nx,two,[]\r\n')
      .type('text/csv')
    assert.deepEqual(
      csv.body().data.errors.map((error: any) => [error.row, error.field]),
      [[1, 'minQuantity']]
    )
  })

  test('members cannot import events; viewers cannot import at all', async ({ client }) => {
    const member = await createUser('member')
    const viewer = await createUser('viewer')
    ;(
      await client
        .post('/api/v1/import/events')
        .bearerToken(await token(member, ['write']))
        .json({ items: [] })
    ).assertStatus(403)
    ;(
      await client
        .post('/api/v1/import/accounts')
        .bearerToken(await token(viewer, ['write']))
        .json({ items: [] })
    ).assertStatus(403)
  })

  test('CSV export neutralises formula cells, and imports them back as they were', async ({
    client,
    assert,
  }) => {
    const { eventId, writer } = await seed()
    const name = '=HYPERLINK("http://evil.example","Refund")'
    ;(
      await client
        .post('/api/v1/watch-rules')
        .bearerToken(writer)
        .json({ name, eventId, triggers: [{ kind: 'available' }] })
    ).assertStatus(201)
    const exported = await client.get('/api/v1/export/watch-rules?format=csv').bearerToken(writer)
    exported.assertStatus(200)
    assert.include(exported.text(), `"'=HYPERLINK(""http://evil.example"",""Refund"")"`)
    for (const line of exported.text().split('\r\n'))
      for (const cell of line.split(','))
        assert.notMatch(cell.replace(/^"/, ''), /^[=+@\t\r]/, `a runnable cell in ${line}`)

    await db.from('watch_rules').delete()
    const imported = await client
      .post('/api/v1/import/watch-rules')
      .bearerToken(writer)
      .unsafeJson(exported.text())
      .type('text/csv')
    imported.assertStatus(200)
    const rules = await client.get('/api/v1/watch-rules').bearerToken(writer)
    assert.include(
      rules.body().data.map((rule: any) => rule.name),
      name
    )
  })
})
