import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { Encryption } from '@adonisjs/core/encryption'
import { aes256gcm } from '@boringnode/encryption/drivers/aes_256_gcm'
import Account from '#models/account'
import Platform from '#models/platform'
import { decryptSecret, encryptSecret, reencryptAll } from '#security/secrets'
import { createUser } from '#tests/helpers/users'

let counter = 0
async function platform(prefix: string) {
  const slug = `${prefix}-${++counter}-${Date.now()}`.slice(0, 40)
  return Platform.create({
    slug,
    name: slug,
    baseUrl: 'https://api.example.test',
    apiEndpoints: {},
    scraperConfig: {},
    capabilities: { discover: true, market: true, checkout: false, listings: false },
    requestsPerSecond: 1,
    requestsPerDay: null,
    maxTicketsPerOrder: null,
    enabled: true,
    encryptedCredentials: null,
  })
}

test.group('Secrets at rest', (group) => {
  group.each.setup(async () => {
    await db.from('accounts').delete()
  })

  test('credentials are stored as AES-256-GCM ciphertext, never the plaintext', async ({
    assert,
  }) => {
    const user = await createUser('member')
    const tevo = await platform('tevo-secrets')
    const credential = { token: 'tok_0123456789abcdef', secret: 'very-secret-value-42' }
    const account = await Account.create({
      userId: user.id,
      platformId: tevo.id,
      username: 'desk',
      encryptedCredentials: encryptSecret(credential, 'account.credentials'),
      status: 'unchecked',
    })

    const raw = await db.from('accounts').where('id', account.id).first()
    assert.notInclude(raw.encrypted_credentials, 'very-secret-value-42')
    assert.notInclude(raw.encrypted_credentials, 'tok_0123456789abcdef')
    assert.match(raw.encrypted_credentials, /^gcm\./)
    assert.deepEqual(decryptSecret(raw.encrypted_credentials, 'account.credentials'), credential)
    assert.notProperty(account.serialize(), 'encryptedCredentials')
  })

  test('a ciphertext is bound to its purpose', async ({ assert }) => {
    const cipher = encryptSecret({ a: '1' }, 'account.credentials')
    assert.throws(() => decryptSecret(cipher, 'channel.config'), /Cannot decrypt/)
  })

  test('one account per user and platform: a second link is refused by the database', async ({
    assert,
  }) => {
    const user = await createUser('member')
    const tm = await platform('tm-unique')
    const values = {
      userId: user.id,
      platformId: tm.id,
      username: 'me',
      encryptedCredentials: encryptSecret({ k: 'v' }, 'account.credentials'),
      status: 'unchecked' as const,
    }
    await Account.create(values)
    await assert.rejects(() => Account.create({ ...values, username: 'second' }))
    assert.lengthOf(await Account.query().where('user_id', user.id), 1)
  })

  test('key rotation: old keys still decrypt, keys:rotate re-encrypts with the new key', async ({
    assert,
    cleanup,
  }) => {
    const user = await createUser('member')
    const sg = await platform('sg-rotate')
    const oldKey = 'old-key-0123456789abcdef0123456789abcdef'
    const newKey = 'new-key-0123456789abcdef0123456789abcdef'
    const keyring = (keys: string[]) => new Encryption(aes256gcm({ id: 'gcm', keys }))
    const oldOnly = keyring([oldKey])
    const written = oldOnly.encrypt(
      { client_id: 'abc', client_secret: 'shh' },
      { purpose: 'account.credentials' }
    )
    const account = await Account.create({
      userId: user.id,
      platformId: sg.id,
      username: 'x',
      encryptedCredentials: written,
      status: 'unchecked',
    })

    /** The deployment now runs with APP_KEY=new and APP_PREVIOUS_KEYS=old. */
    /** Every other stored secret was written with the test APP_KEY: it is one of the old keys too. */
    const appKey = env.get('APP_KEY').release()
    const rotated = keyring([newKey, oldKey, appKey])
    assert.deepEqual(rotated.decrypt(written, 'account.credentials'), {
      client_id: 'abc',
      client_secret: 'shh',
    })
    cleanup(async () => {
      /** Put every other row back under the app's key for the tests that follow. */
      await reencryptAll({ encrypter: keyring([appKey, newKey, oldKey]) })
    })
    const counts = await reencryptAll({ encrypter: rotated })
    assert.isAtLeast(counts.accounts, 1)

    const raw = await db.from('accounts').where('id', account.id).first()
    assert.notEqual(raw.encrypted_credentials, written)
    const newOnly = keyring([newKey])
    assert.deepEqual(newOnly.decrypt(raw.encrypted_credentials, 'account.credentials'), {
      client_id: 'abc',
      client_secret: 'shh',
    })
    assert.isNull(oldOnly.decrypt(raw.encrypted_credentials, 'account.credentials'))
  })
})
