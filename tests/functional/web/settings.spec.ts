import { test } from '@japa/runner'
import User from '#models/user'
import { createUser } from '#tests/helpers/users'

test.group('Settings', (group) => {
  group.each.setup(async () => {
    await User.query().delete()
  })

  test('the settings page lists tokens without secrets', async ({ client, assert }) => {
    const user = await createUser('member')
    await User.accessTokens.create(user, ['read'], { name: 'cron' })
    const response = await client.get('/settings').loginAs(user).withInertia()
    response.assertStatus(200)
    assert.equal(response.body().component, 'settings/show')
    assert.equal(response.body().props.tokens[0].name, 'cron')
    assert.notProperty(response.body().props.tokens[0], 'secret')
    assert.deepEqual(response.body().props.allowedAbilities, ['read', 'write', 'purchase'])
  })

  test('changing the password needs the current one', async ({ client, assert }) => {
    const user = await createUser('member', { password: 'correct horse battery' })
    const wrong = await client
      .put('/settings/password')
      .json({
        currentPassword: 'nope',
        password: 'new long password',
        passwordConfirmation: 'new long password',
      })
      .header('accept', 'application/json')
      .loginAs(user)
      .withCsrfToken()
    wrong.assertStatus(422)
    wrong.assertBodyContains({ errors: [{ field: 'currentPassword' }] })

    const right = await client
      .put('/settings/password')
      .json({
        currentPassword: 'correct horse battery',
        password: 'new long password',
        passwordConfirmation: 'new long password',
      })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    right.assertStatus(302)
    const verified = await User.verifyCredentials(user.email, 'new long password')
    assert.equal(verified.id, user.id)
  })

  test('an unknown time zone is refused and nothing changes', async ({ client, assert }) => {
    const user = await createUser('member')
    const response = await client
      .put('/settings/profile')
      .json({ fullName: 'Fan', timezone: 'Mars/Olympus' })
      .header('accept', 'application/json')
      .loginAs(user)
      .withCsrfToken()
    response.assertStatus(422)
    response.assertBodyContains({ errors: [{ field: 'timezone' }] })
    await user.refresh()
    assert.equal(user.timezone, 'UTC')
    assert.isNull(user.fullName)
  })

  test('a created token is shown once on the next page only', async ({ client, assert }) => {
    const user = await createUser('member')
    const created = await client
      .post('/settings/tokens')
      .json({ name: 'sheet', abilities: ['read'] })
      .loginAs(user)
      .withCsrfToken()
      .withInertia()
    created.assertStatus(200)
    assert.match(created.body().props.newToken.secret, /^hdt_/)
    const again = await client.get('/settings').loginAs(user).withInertia()
    assert.isNull(again.body().props.newToken)
  })
})
