/**
 * Issue #12, items 9 and 14: what sign-up and Settings accept as a password,
 * an email and a name.
 */
import { test } from '@japa/runner'
import User from '#models/user'
import { createUser } from '#tests/helpers/users'
import { passwordWeakness } from '#security/password_strength'

async function signup(client: any, body: Record<string, unknown>) {
  return client
    .post('/signup')
    .withCsrfToken()
    .header('accept', 'application/json')
    .redirects(0)
    .json({ passwordConfirmation: body.password, ...body })
}

function fieldErrors(response: any, field: string): string[] {
  return response
    .body()
    .errors.filter((error: any) => error.field === field)
    .map((error: any) => error.message)
}

test.group('Passwords that are easy to guess (#12 item 9)', () => {
  test('the estimator refuses common, breached and patterned passwords, with a reason', ({
    assert,
  }) => {
    for (const weak of ['aaaaaaaaaa', 'password12', 'qwertyuiop', '1234567890', 'iloveyou123'])
      assert.match(passwordWeakness(weak) ?? '', /^This password is too easy to guess/, weak)
    assert.isNull(passwordWeakness('quartz-lantern-orbit-42'))
    assert.isNotNull(
      passwordWeakness('jane.doe@example.com', ['jane.doe@example.com']),
      'the email itself is a known word'
    )
  })

  test('sign-up refuses "aaaaaaaaaa" and "password12", naming the field; nobody is created', async ({
    client,
    assert,
  }) => {
    for (const password of ['aaaaaaaaaa', 'password12']) {
      const email = `weak-${password}@example.test`
      const response = await signup(client, { email, password })
      assert.equal(response.status(), 422)
      const [message] = fieldErrors(response, 'password')
      assert.match(message, /too easy to guess/)
      assert.isNull(await User.findBy('email', email))
    }
  })

  test('a password change to a common password is refused and the old one still works', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const response = await client
      .put('/settings/password')
      .loginAs(user)
      .withCsrfToken()
      .header('accept', 'application/json')
      .json({
        currentPassword: 'correct horse battery',
        password: 'password12',
        passwordConfirmation: 'password12',
      })
    assert.equal(response.status(), 422)
    assert.match(fieldErrors(response, 'password')[0], /too easy to guess/)
    assert.isOk(await User.verifyCredentials(user.email, 'correct horse battery'))
  })
})

test.group('Emails and names (#12 item 14)', () => {
  test('emails are NFKC-normalised, trimmed and lower-cased', async ({ client, assert }) => {
    const response = await signup(client, {
      email: '  ＪＡＮＥ.Roe@Example.TEST ',
      password: 'quartz-lantern-orbit-42',
    })
    assert.equal(response.status(), 302, response.text())
    assert.exists(await User.findBy('email', 'jane.roe@example.test'))
  })

  test('zero-width characters and lookalike letters of another script are refused in emails', async ({
    client,
    assert,
  }) => {
    for (const email of [
      'ad\u200Bmin@example.test',
      'admin\uFEFF@example.test',
      '\u0430dmin@example.test',
      'admin@ex\u0430mple.test',
    ]) {
      const response = await signup(client, { email, password: 'quartz-lantern-orbit-42' })
      assert.equal(response.status(), 422, JSON.stringify(email))
      assert.lengthOf(fieldErrors(response, 'email'), 1, JSON.stringify(email))
      assert.isNull(await User.findBy('email', email.normalize('NFKC').toLowerCase()))
    }
  })

  test('names with control, invisible or bidi characters, or mixed scripts in a word, are refused', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    for (const fullName of ['Jo\u0000hn', 'Jo\u001B[31mhn', 'John \u202Eeod', 'J\u043Ehn Doe']) {
      const response = await client
        .put('/settings/profile')
        .loginAs(user)
        .withCsrfToken()
        .header('accept', 'application/json')
        .json({ fullName, timezone: 'UTC' })
      assert.equal(response.status(), 422, JSON.stringify(fullName))
      assert.lengthOf(fieldErrors(response, 'fullName'), 1)
      await user.refresh()
      assert.notEqual(user.fullName, fullName)
    }
    for (const fullName of ['José Müller', '李 Wang', 'Ольга Петрова', "Seán O'Brien"]) {
      const response = await client
        .put('/settings/profile')
        .loginAs(user)
        .withCsrfToken()
        .redirects(0)
        .json({ fullName, timezone: 'UTC' })
      assert.equal(response.status(), 302, `${fullName}: ${response.text()}`)
      await user.refresh()
      assert.equal(user.fullName, fullName)
    }
  })
})
