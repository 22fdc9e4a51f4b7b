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
