/**
 * Issue #12, item 4: log-in throttling that neither a forged nor a shared
 * client address gets around, TRUSTED_PROXIES, and the current-password
 * check of a password change throttled too.
 */
import { test } from '@japa/runner'
import { trustedProxies } from '#config/app'
import { createUser } from '#tests/helpers/users'

test.group('Log-in throttling (#12 item 4)', () => {
  test('TRUSTED_PROXIES: who may set X-Forwarded-For', ({ assert }) => {
    const byDefault = trustedProxies(undefined)
    assert.isTrue(byDefault('127.0.0.1', 0), 'a proxy on the same host, by default')
    assert.isFalse(byDefault('10.0.0.5', 0))
    const remote = trustedProxies('10.0.0.5, 192.168.0.0/16')
    assert.isTrue(remote('10.0.0.5', 0))
    assert.isTrue(remote('192.168.4.2', 0))
    assert.isFalse(remote('127.0.0.1', 0))
    assert.isFalse(trustedProxies('none')('127.0.0.1', 0))
  })

  test('rotating X-Forwarded-For does not escape the per-account limit', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    for (let attempt = 0; attempt < 20; attempt++) {
      const response = await client
        .post('/login')
        .withCsrfToken()
        .header('x-forwarded-for', `203.0.113.${attempt + 1}`)
        .header('accept', 'application/json')
        .redirects(0)
        .json({ email: user.email, password: `wrong guess ${attempt}` })
      assert.notEqual(response.status(), 429, `attempt ${attempt + 1} is not throttled yet`)
    }
    const right = await client
      .post('/login')
      .withCsrfToken()
      .header('x-forwarded-for', '198.51.100.77')
      .header('accept', 'application/json')
      .redirects(0)
      .json({ email: user.email, password: 'correct horse battery' })
    assert.equal(right.status(), 429, 'the account is blocked whatever address is claimed')
    assert.match(right.body().errors[0].message, /Too many failed log-ins/)
  })

  test('the current-password check of a password change is throttled', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const change = (currentPassword: string) =>
      client
        .put('/settings/password')
        .loginAs(user)
        .withCsrfToken()
        .header('accept', 'application/json')
        .redirects(0)
        .json({
          currentPassword,
          password: 'quartz-lantern-orbit-42',
          passwordConfirmation: 'quartz-lantern-orbit-42',
        })
    for (let attempt = 0; attempt < 5; attempt++)
      assert.equal((await change(`guess number ${attempt}`)).status(), 422)
    const blocked = await change('correct horse battery')
    assert.equal(blocked.status(), 429)
    assert.isOk(blocked.header('retry-after'))
  })
})
