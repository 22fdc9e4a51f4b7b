import { test } from '@japa/runner'
import User from '#models/user'
import { createUser } from '#tests/helpers/users'

async function tokenFor(user: User, abilities: string[]) {
  const token = await User.accessTokens.create(user, abilities, { name: 'test' })
  return token.value!.release()
}

test.group('API access tokens', (group) => {
  group.each.setup(async () => {
    await User.query().delete()
  })

  test('a missing token is a JSON 401', async ({ client }) => {
    const response = await client.get('/api/v1/me')
    response.assertStatus(401)
    response.assertBody({
      errors: [{ code: 'E_UNAUTHORIZED', message: 'A valid access token is required' }],
    })
  })

  test('a wrong token is a JSON 401', async ({ client }) => {
    const response = await client.get('/api/v1/me').bearerToken('hdt_notatoken.whatever')
    response.assertStatus(401)
    response.assertBodyContains({ errors: [{ code: 'E_UNAUTHORIZED' }] })
  })

  test('last use is stamped once a minute, and never by a request with the wrong secret', async ({
    client,
    assert,
  }) => {
    const { default: db } = await import('@adonisjs/lucid/services/db')
    const user = await createUser('member')
    const value = await tokenFor(user, ['read'])
    const [identifier] = value.slice('hdt_'.length).split('.')
    const lastUsed = async () =>
      (await db.from('auth_access_tokens').where('tokenable_id', user.id).first()).last_used_at

    ;(
      await client.get('/api/v1/me').bearerToken(`hdt_${identifier}.${'x'.repeat(40)}`)
    ).assertStatus(401)
    assert.isNull(await lastUsed())

    ;(await client.get('/api/v1/me').bearerToken(value)).assertStatus(200)
    const first = await lastUsed()
    assert.isNotNull(first)
    ;(await client.get('/api/v1/me').bearerToken(value)).assertStatus(200)
    assert.deepEqual(await lastUsed(), first)

    await db
      .from('auth_access_tokens')
      .where('tokenable_id', user.id)
      .update({ last_used_at: new Date(Date.now() - 120_000) })
    ;(await client.get('/api/v1/me').bearerToken(value)).assertStatus(200)
    const later = new Date(await lastUsed()).getTime()
    assert.isAbove(later, Date.now() - 30_000)
  })

  test('a valid token reads, and its abilities bound what it may do', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const readOnly = await tokenFor(user, ['read'])
    const me = await client.get('/api/v1/me').bearerToken(readOnly)
    me.assertStatus(200)
    assert.equal(me.body().data.email, user.email)
    assert.notProperty(me.body().data, 'password')

    const create = await client
      .post('/api/v1/tokens')
      .bearerToken(readOnly)
      .json({ name: 'x', abilities: ['read'] })
    create.assertStatus(403)
    create.assertBodyContains({ errors: [{ code: 'E_TOKEN_ABILITY' }] })
  })

  test('created tokens are shown once, listed without secret, and revoked for good', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const writer = await tokenFor(user, ['read', 'write'])

    const created = await client
      .post('/api/v1/tokens')
      .bearerToken(writer)
      .json({ name: 'export', abilities: ['read'] })
    created.assertStatus(201)
    const secret = created.body().data.secret
    assert.match(secret, /^hdt_/)

    const list = await client.get('/api/v1/tokens').bearerToken(writer)
    list.assertStatus(200)
    assert.lengthOf(list.body().data, 2)
    assert.notInclude(JSON.stringify(list.body()), secret)
    assert.notInclude(JSON.stringify(list.body()), 'hash')

    const works = await client.get('/api/v1/me').bearerToken(secret)
    works.assertStatus(200)

    const revoked = await client
      .delete(`/api/v1/tokens/${created.body().data.id}`)
      .bearerToken(writer)
    revoked.assertStatus(204)
    const after = await client.get('/api/v1/me').bearerToken(secret)
    after.assertStatus(401)
  })

  test("a user cannot revoke another user's token", async ({ client, assert }) => {
    const alice = await createUser('member')
    const bob = await createUser('member')
    const bobToken = await User.accessTokens.create(bob, ['read'], { name: 'bob' })
    const aliceToken = await tokenFor(alice, ['read', 'write'])
    const response = await client
      .delete(`/api/v1/tokens/${bobToken.identifier}`)
      .bearerToken(aliceToken)
    response.assertStatus(404)
    assert.lengthOf(await User.accessTokens.all(bob), 1)
  })

  test('a role cannot mint abilities beyond it, and token input is validated', async ({
    client,
  }) => {
    const member = await createUser('member')
    const token = await tokenFor(member, ['read', 'write'])
    const escalate = await client
      .post('/api/v1/tokens')
      .bearerToken(token)
      .json({ name: 'x', abilities: ['admin'] })
    escalate.assertStatus(422)
    escalate.assertBodyContains({ errors: [{ field: 'abilities' }] })

    const malformed = await client
      .post('/api/v1/tokens')
      .bearerToken(token)
      .json({ name: '', abilities: ['root'] })
    malformed.assertStatus(422)
  })

  test('only admin tokens of admins list users', async ({ client }) => {
    const admin = await createUser('admin')
    const member = await createUser('member')
    ;(await client.get('/api/v1/users').bearerToken(await tokenFor(admin, ['admin']))).assertStatus(
      200
    )
    ;(await client.get('/api/v1/users').bearerToken(await tokenFor(admin, ['read']))).assertStatus(
      403
    )
    ;(
      await client.get('/api/v1/users').bearerToken(await tokenFor(member, ['admin']))
    ).assertStatus(403)
  })
})

test.group('API access tokens: bounded by the role at each request (#12 item 6)', () => {
  test("a member's write token stops writing once the member is demoted to viewer", async ({
    client,
    assert,
  }) => {
    const member = await createUser('member')
    const token = (await User.accessTokens.create(member, ['read', 'write'])).value!.release()
    const before = await client
      .put('/api/v1/notifications/preferences')
      .bearerToken(token)
      .json({ timeZone: 'UTC' })
    assert.equal(before.status(), 200, before.text())

    member.role = 'viewer'
    await member.save()
    const after = await client
      .post('/api/v1/tokens')
      .bearerToken(token)
      .json({ name: 'more', abilities: ['read'] })
    assert.equal(after.status(), 403)
    assert.equal(after.body().errors[0].code, 'E_TOKEN_ABILITY')
    assert.include(after.body().errors[0].message, 'viewer')
    const read = await client.get('/api/v1/me').bearerToken(token)
    assert.equal(read.status(), 200, 'reading is still within the role')
  })

  test("an admin token's admin ability ends when the admin is demoted", async ({
    client,
    assert,
  }) => {
    const admin = await createUser('admin')
    const token = (await User.accessTokens.create(admin, ['read', 'admin'])).value!.release()
    assert.equal((await client.get('/api/v1/users').bearerToken(token)).status(), 200)
    admin.role = 'manager'
    await admin.save()
    const after = await client.get('/api/v1/users').bearerToken(token)
    assert.equal(after.status(), 403)
  })
})
