import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Account from '#models/account'
import AuditLog from '#models/audit_log'
import User from '#models/user'
import AccountService from '#services/account_service'
import { SANDBOX_CREDENTIALS } from '#connectors/sandbox/sandbox_credentials'
import { encryptSecret } from '#security/secrets'
import { createUser } from '#tests/helpers/users'
import { seedPlatforms, startTestSandbox } from '#tests/helpers/sandbox'

const good = {
  token: SANDBOX_CREDENTIALS.token,
  secret: SANDBOX_CREDENTIALS.secret,
  office_id: SANDBOX_CREDENTIALS.officeId,
}

test.group('Linked platform accounts', (group) => {
  let sandbox: Awaited<ReturnType<typeof startTestSandbox>>
  group.setup(async () => {
    await seedPlatforms()
    sandbox = await startTestSandbox()
    return () => sandbox.stop()
  })
  group.each.setup(async () => {
    await Account.query().delete()
    await AuditLog.query().delete()
    await User.query().delete()
  })

  test('credentials are checked with the platform, stored encrypted and never shown', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const response = await client
      .post('/accounts')
      .json({ platform: 'sandbox', username: 'desk', credentials: good })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)

    const raw = await db.from('accounts').where('user_id', user.id).first()
    assert.equal(raw.status, 'ok')
    assert.notInclude(raw.encrypted_credentials, SANDBOX_CREDENTIALS.secret)
    const page = await client.get('/accounts').loginAs(user).withInertia()
    assert.equal(page.body().props.accounts[0].platform, 'sandbox')
    assert.notInclude(JSON.stringify(page.body()), SANDBOX_CREDENTIALS.secret)
    assert.notInclude(JSON.stringify(page.body()), SANDBOX_CREDENTIALS.token)
    const audit = await AuditLog.query().where('action', 'account.linked')
    assert.lengthOf(audit, 1)
    assert.notInclude(JSON.stringify(audit[0].serialize()), SANDBOX_CREDENTIALS.secret)
  })

  test('a credential the platform refuses is not saved and the error names the field', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const response = await client
      .post('/accounts')
      .json({
        platform: 'sandbox',
        username: 'desk',
        credentials: { ...good, secret: 'x'.repeat(40) },
      })
      .header('accept', 'application/json')
      .loginAs(user)
      .withCsrfToken()
    response.assertStatus(422)
    response.assertBodyContains({
      errors: [{ code: 'E_CREDENTIAL_REJECTED', field: 'credentials' }],
    })
    assert.notInclude(response.text(), 'x'.repeat(40))
    assert.lengthOf(await Account.query(), 0)
  })

  test('one account per platform: a second link is refused', async ({ client, assert }) => {
    const user = await createUser('member')
    await new AccountService().link(user, {
      platform: 'sandbox',
      username: 'first',
      credentials: good,
    })
    const response = await client
      .post('/accounts')
      .json({ platform: 'sandbox', username: 'second', credentials: good })
      .header('accept', 'application/json')
      .loginAs(user)
      .withCsrfToken()
    response.assertStatus(422)
    response.assertBodyContains({ errors: [{ code: 'E_ACCOUNT_EXISTS', field: 'platform' }] })
    assert.lengthOf(await Account.query(), 1)
  })

  test('an unknown platform and missing secrets are refused by field', async ({ client }) => {
    const user = await createUser('member')
    const unknown = await client
      .post('/accounts')
      .json({ platform: 'nowhere', username: 'x', credentials: {} })
      .header('accept', 'application/json')
      .loginAs(user)
      .withCsrfToken()
    unknown.assertStatus(422)
    unknown.assertBodyContains({ errors: [{ field: 'platform' }] })
    const missing = await client
      .post('/accounts')
      .json({ platform: 'sandbox', username: 'x', credentials: { token: good.token } })
      .header('accept', 'application/json')
      .loginAs(user)
      .withCsrfToken()
    missing.assertStatus(422)
    missing.assertBodyContains({ errors: [{ field: 'credentials.secret' }] })
  })

  test("a viewer cannot link, and nobody can unlink another user's account", async ({
    client,
    assert,
  }) => {
    const viewer = await createUser('viewer')
    const refused = await client
      .post('/accounts')
      .json({ platform: 'sandbox', username: 'x', credentials: good })
      .loginAs(viewer)
      .withCsrfToken()
      .withInertia()
    refused.assertStatus(403)

    const owner = await createUser('member')
    const other = await createUser('member')
    const account = await new AccountService().link(owner, {
      platform: 'sandbox',
      username: 'mine',
      credentials: good,
    })
    const response = await client
      .delete(`/accounts/${account.id}`)
      .loginAs(other)
      .withCsrfToken()
      .withInertia()
    response.assertStatus(404)
    assert.lengthOf(await Account.query(), 1)
  })

  test('the health check records a rejected credential once, in the audit log', async ({
    assert,
  }) => {
    const user = await createUser('member')
    const account = await new AccountService().link(user, {
      platform: 'sandbox',
      username: 'desk',
      credentials: good,
    })
    /** The platform revoked the secret since it was linked. */
    await db
      .from('accounts')
      .where('id', account.id)
      .update({
        encrypted_credentials: encryptSecret(
          { ...good, secret: 'y'.repeat(40) },
          'account.credentials'
        ),
      })
    const service = new AccountService()
    const checked = await service.checkHealth(account.id)
    assert.equal(checked!.status, 'rejected')
    assert.isNotNull(checked!.lastCheck)
    await service.checkHealth(account.id)
    assert.lengthOf(await AuditLog.query().where('action', 'account.credential_rejected'), 1)
  })
})

test.group('Deployment-wide platform credentials', (group) => {
  let sandbox: Awaited<ReturnType<typeof startTestSandbox>>
  group.setup(async () => {
    await seedPlatforms()
    sandbox = await startTestSandbox()
    return () => sandbox.stop()
  })

  test('an admin sets a checked credential; a refused one changes nothing; members cannot', async ({
    client,
    assert,
  }) => {
    const admin = await createUser('admin')
    const member = await createUser('member')
    const platform = await db.from('platforms').where('slug', 'sandbox').first()
    await db.from('platforms').where('id', platform.id).update({ encrypted_credentials: null })

    const refused = await client
      .put(`/admin/platforms/${platform.id}/credential`)
      .json({ credentials: { ...good, secret: 'z'.repeat(40) } })
      .header('accept', 'application/json')
      .loginAs(admin)
      .withCsrfToken()
    refused.assertStatus(422)
    assert.isNull(
      (await db.from('platforms').where('id', platform.id).first()).encrypted_credentials
    )

    const saved = await client
      .put(`/admin/platforms/${platform.id}/credential`)
      .json({ credentials: good })
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)
    saved.assertStatus(302)
    const stored = (await db.from('platforms').where('id', platform.id).first())
      .encrypted_credentials
    assert.isString(stored)
    assert.notInclude(stored, SANDBOX_CREDENTIALS.secret)

    const forbidden = await client
      .put(`/admin/platforms/${platform.id}/credential`)
      .json({ credentials: good })
      .loginAs(member)
      .withCsrfToken()
      .withInertia()
    forbidden.assertStatus(403)

    const page = await client.get('/admin/platforms').loginAs(admin).withInertia()
    assert.notInclude(JSON.stringify(page.body()), SANDBOX_CREDENTIALS.secret)
    const row = page.body().props.platforms.find((item: any) => item.slug === 'sandbox')
    assert.isTrue(row.hasDeploymentCredential)
  })
})
