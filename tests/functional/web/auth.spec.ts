import { test } from '@japa/runner'
import User from '#models/user'
import AuditLog from '#models/audit_log'
import { createUser } from '#tests/helpers/users'

test.group('Sign-up', (group) => {
  group.each.setup(async () => {
    await AuditLog.query().delete()
    await User.query().delete()
  })

  test('the first user becomes admin, later sign-ups are members', async ({ client, assert }) => {
    const first = await client
      .post('/signup')
      .form({
        email: 'Owner@Example.test',
        password: 'long enough pw',
        passwordConfirmation: 'long enough pw',
      })
      .withCsrfToken()
      .redirects(0)
    first.assertStatus(302)
    first.assertHeader('location', '/')

    const second = await client
      .post('/signup')
      .form({
        email: 'fan@example.test',
        password: 'long enough pw',
        passwordConfirmation: 'long enough pw',
      })
      .withCsrfToken()
      .redirects(0)
    second.assertStatus(302)

    const users = await User.query().orderBy('id')
    assert.deepEqual(
      users.map((user) => [user.email, user.role]),
      [
        ['owner@example.test', 'admin'],
        ['fan@example.test', 'member'],
      ]
    )
    assert.notEqual(users[0].password, 'long enough pw')
    assert.match(users[0].password, /^\$scrypt\$/)
  })

  test('malformed sign-up JSON gets 422 with field errors and writes nothing', async ({
    client,
    assert,
  }) => {
    const response = await client
      .post('/signup')
      .header('accept', 'application/json')
      .json({ email: 'not-an-email', password: 'short', passwordConfirmation: 'other' })
      .withCsrfToken()
    response.assertStatus(422)
    const fields = response
      .body()
      .errors.map((error: any) => error.field)
      .sort()
    assert.includeMembers(fields, ['email', 'password'])
    for (const error of response.body().errors) {
      assert.properties(error, ['field', 'rule', 'message'])
    }
    assert.equal((await User.query()).length, 0)
  })

  test('an Inertia form gets its errors back beside the fields', async ({ client, assert }) => {
    const response = await client
      .post('/signup')
      .form({ email: 'bad', password: 'x', passwordConfirmation: 'x' })
      .header('referer', '/signup')
      .withCsrfToken()
      .withInertia()
    response.assertStatus(200)
    assert.equal(response.body().component, 'auth/signup')
    assert.properties(response.body().props.errors, ['email', 'password'])
    assert.equal((await User.query()).length, 0)
  })

  test('a duplicate email is refused', async ({ client }) => {
    await createUser('admin', { email: 'taken@example.test' })
    const response = await client
      .post('/signup')
      .header('accept', 'application/json')
      .json({
        email: 'taken@example.test',
        password: 'long enough pw',
        passwordConfirmation: 'long enough pw',
      })
      .withCsrfToken()
    response.assertStatus(422)
    response.assertBodyContains({ errors: [{ field: 'email', rule: 'database.unique' }] })
  })

  test('a wrong CSRF token is refused with 403', async ({ client, assert }) => {
    const response = await client.post('/signup').form({
      email: 'x@example.test',
      password: 'long enough pw',
      passwordConfirmation: 'long enough pw',
      _csrf: 'nope',
    })
    response.assertStatus(403)
    assert.equal((await User.query()).length, 0)
  })
})

test.group('Log-in and log-out', (group) => {
  group.each.setup(async () => {
    await User.query().delete()
  })

  test('logs in with the right password and reaches the dashboard', async ({ client }) => {
    const user = await createUser('member', { password: 'correct horse battery' })
    const response = await client
      .post('/login')
      .form({ email: user.email, password: 'correct horse battery' })
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', '/')
  })

  test('a wrong password flashes an error and does not log in', async ({ client, assert }) => {
    const user = await createUser('member')
    const response = await client
      .post('/login')
      .form({ email: user.email, password: 'wrong password' })
      .header('accept', 'application/json')
      .withCsrfToken()
    response.assertStatus(400)
    response.assertBodyContains({ errors: [{ code: 'E_INVALID_CREDENTIALS' }] })
    const dashboard = await client.get('/').redirects(0)
    assert.equal(dashboard.status(), 302)
  })

  test('log-ins are throttled per email and IP after five failures', async ({ client, assert }) => {
    const user = await createUser('member', { password: 'correct horse battery' })
    const statuses: number[] = []
    for (let attempt = 0; attempt < 6; attempt++) {
      const response = await client
        .post('/login')
        .json({ email: user.email, password: 'wrong password' })
        .header('accept', 'application/json')
        .withCsrfToken()
      statuses.push(response.status())
    }
    assert.deepEqual(statuses, [400, 400, 400, 400, 400, 429])
    /** Even the right password is refused while the pair is blocked. */
    const blocked = await client
      .post('/login')
      .json({ email: user.email, password: 'correct horse battery' })
      .header('accept', 'application/json')
      .withCsrfToken()
    blocked.assertStatus(429)
    assert.isDefined(blocked.header('retry-after'))
  })

  test('log-out ends the session', async ({ client }) => {
    const user = await createUser('member')
    const response = await client.post('/logout').loginAs(user).withCsrfToken().redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', '/login')
  })

  test('signed-out visitors are sent to the log-in page', async ({ client }) => {
    const response = await client.get('/settings').redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', '/login')
  })

  test('the log-in page is server-rendered', async ({ client, assert }) => {
    const response = await client.get('/login')
    response.assertStatus(200)
    assert.include(response.text(), 'data-server-rendered="true"')
    assert.include(response.text(), '<h1>Log in</h1>')
  })
})

test.group('Not found', () => {
  test('an unknown page gets the 404 page', async ({ client, assert }) => {
    const response = await client.get('/no/such/page').withInertia()
    response.assertStatus(404)
    assert.equal(response.body().component, 'errors/not_found')
  })

  test('an unknown API route gets a JSON 404', async ({ client }) => {
    const response = await client.get('/api/v1/no-such-thing')
    response.assertStatus(404)
    response.assertBody({ errors: [{ code: 'E_NOT_FOUND', message: 'Not found' }] })
  })
})
