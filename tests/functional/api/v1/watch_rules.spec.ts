import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { upsertEvent } from '#monitoring/event_catalogue'
import { createUser } from '#tests/helpers/users'
import { createPlatform, normalisedEvent } from '#tests/helpers/market'

async function token(user: User, abilities: string[]) {
  return (await User.accessTokens.create(user, abilities)).value!.release()
}

test.group('API: watch rules and alerts', (group) => {
  group.each.setup(async () => {
    await db.from('alerts').delete()
    await db.from('watch_rules').delete()
    await User.query().delete()
  })

  test('create, read, update and delete a rule with a write token', async ({ client, assert }) => {
    const user = await createUser('member')
    const platform = await createPlatform()
    const { eventId } = await upsertEvent(platform.id, normalisedEvent())
    const writer = await token(user, ['read', 'write'])
    const created = await client
      .post('/api/v1/watch-rules')
      .bearerToken(writer)
      .json({
        name: 'Any pair',
        eventId,
        minQuantity: 2,
        triggers: [{ kind: 'available' }, { kind: 'price_drop', percent: 15 }],
      })
    created.assertStatus(201)
    const id = created.body().data.id
    assert.deepEqual(created.body().data.triggers, [
      { kind: 'available' },
      { kind: 'price_drop', percent: 15 },
    ])

    const list = await client.get('/api/v1/watch-rules').bearerToken(writer)
    assert.lengthOf(list.body().data, 1)
    const updated = await client
      .put(`/api/v1/watch-rules/${id}`)
      .bearerToken(writer)
      .json({ name: 'Renamed', eventId, triggers: [{ kind: 'on_sale' }] })
    updated.assertStatus(200)
    assert.equal(updated.body().data.name, 'Renamed')
    ;(await client.delete(`/api/v1/watch-rules/${id}`).bearerToken(writer)).assertStatus(204)
    ;(await client.get(`/api/v1/watch-rules/${id}`).bearerToken(writer)).assertStatus(404)
  })

  test('a read token cannot write; bad input is a 422 naming the field', async ({ client }) => {
    const user = await createUser('member')
    const reader = await token(user, ['read'])
    ;(
      await client
        .post('/api/v1/watch-rules')
        .bearerToken(reader)
        .json({ name: 'x', triggers: [{ kind: 'available' }] })
    ).assertStatus(403)
    const writer = await token(user, ['write'])
    const bad = await client
      .post('/api/v1/watch-rules')
      .bearerToken(writer)
      .json({ name: 'x', minQuantity: 0, triggers: [{ kind: 'available' }] })
    bad.assertStatus(422)
    bad.assertBodyContains({ errors: [{ code: 'E_VALIDATION', field: 'minQuantity' }] })
  })

  test('alerts: listed newest first, acknowledged and snoozed by their owner only', async ({
    client,
    assert,
  }) => {
    const owner = await createUser('member')
    const other = await createUser('member')
    const insert = async (key: string) =>
      db.table('alerts').insert({
        user_id: owner.id,
        type: 'ticket_available',
        condition: 'available',
        dedupe_key: key,
        reason: '{"text":"x"}',
        detected_at: new Date(),
        created_at: new Date(),
      })
    await insert('k1')
    await insert('k2')
    const ownerToken = await token(owner, ['read', 'write'])
    const list = await client.get('/api/v1/alerts').bearerToken(ownerToken)
    list.assertStatus(200)
    assert.lengthOf(list.body().data, 2)
    assert.isAbove(list.body().data[0].id, list.body().data[1].id)
    assert.notProperty(list.body().data[0], 'dedupeKey')
    const id = list.body().data[0].id
    ;(
      await client
        .post(`/api/v1/alerts/${id}/acknowledge`)
        .bearerToken(await token(other, ['write']))
    ).assertStatus(404)
    ;(await client.post(`/api/v1/alerts/${id}/acknowledge`).bearerToken(ownerToken)).assertStatus(
      204
    )
    const snoozed = await client
      .post(`/api/v1/alerts/${id}/snooze`)
      .bearerToken(ownerToken)
      .json({ minutes: 30 })
    snoozed.assertStatus(200)
    const unacknowledged = await client
      .get('/api/v1/alerts?unacknowledged=true')
      .bearerToken(ownerToken)
    assert.lengthOf(unacknowledged.body().data, 1)
  })
})
