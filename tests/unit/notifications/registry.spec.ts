import { spawnSync } from 'node:child_process'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { configProvider } from '@adonisjs/core'
import { SMTPTransport } from '@adonisjs/mail/transports/smtp'
import { MailManager, Mailer } from '@adonisjs/mail'
import emitter from '@adonisjs/core/services/emitter'
import notificationsConfig from '#config/notifications'
import mailConfig from '#config/mail'
import { ChannelRegistry } from '#notifications/channels/registry'
import type { NotificationsSettings } from '#notifications/channels/registry'
import { CHANNEL_KINDS, idempotencyKeyFor } from '#notifications/channels/contract'
import InAppChannel from '#notifications/channels/inapp_channel'
import { ensureVapidKeys } from '#notifications/vapid'
import { priceAlert } from './helpers/messages.js'

const settings: NotificationsSettings = {
  appUrl: 'https://tickets.example.org',
  version: '0.1.0',
  email: {
    enabled: true,
    from: { address: 'alerts@tickets.example.org', name: 'HDTickets' },
    messageIdDomain: 'tickets.example.org',
  },
  sms: { accountSid: null, authToken: null, from: null, apiBase: null, timeoutMs: 10_000 },
  webpush: { subject: null, snoozeMinutes: 60 },
  webhooks: {
    allowPrivate: false,
    allowHttp: false,
    allowedHosts: [],
    allowedCidrs: [],
    timeoutMs: 10_000,
    connectTimeoutMs: 5_000,
  },
}

test.group('Channel registry and config', () => {
  test('one driver per kind; available kinds follow what the operator configured', async ({
    assert,
  }) => {
    const withPush = new ChannelRegistry({
      settings,
      vapidKeys: ensureVapidKeys(null).keys,
      mailer: () => ({ send: async () => ({}) }),
    })
    for (const kind of CHANNEL_KINDS) assert.equal(withPush.get(kind).kind, kind)
    assert.sameMembers(withPush.availableKinds(), [
      'email',
      'webpush',
      'webhook',
      'slack',
      'discord',
      'inapp',
    ])
    assert.isFalse(withPush.isAvailable('sms'))
    await withPush.close()

    const minimal = new ChannelRegistry({
      settings: {
        ...settings,
        email: { ...settings.email, enabled: false },
        sms: {
          ...settings.sms,
          accountSid: 'AC0123456789abcdef0123456789abcdef',
          authToken: 't',
          from: '+15005550006',
        },
      },
      vapidKeys: null,
    })
    assert.sameMembers(minimal.availableKinds(), ['sms', 'webhook', 'slack', 'discord', 'inapp'])
    assert.throws(() => minimal.get('webpush'), /no notification channel driver/)
    await minimal.close()
  })

  test('the registry validates with the operator’s SSRF rules (private URLs refused by default)', async ({
    assert,
  }) => {
    const registry = new ChannelRegistry({ settings, vapidKeys: null })
    const result = await registry.get('webhook').validateConfig({ url: 'https://10.0.0.8/hook' })
    assert.deepEqual(result.ok ? null : result.errors.map((e) => e.code), ['E_PRIVATE_URL'])
    await registry.close()
  })

  test('in-app sends nothing anywhere and has no provider id', async ({ assert }) => {
    const inapp = new InAppChannel()
    assert.deepEqual(await inapp.deliver(priceAlert(), {}, { idempotencyKey: 'n1:inapp' }), {
      providerId: null,
    })
    assert.deepEqual(await inapp.validateConfig(undefined), { ok: true, config: {} })
    assert.isFalse((await inapp.validateConfig('x')).ok)
  })

  test('idempotency keys are per (notification, channel) and fit the column', ({ assert }) => {
    assert.equal(idempotencyKeyFor(42, 7, 'webhook'), 'n42:c7')
    assert.equal(idempotencyKeyFor('42', null, 'inapp'), 'n42:inapp')
    assert.notEqual(idempotencyKeyFor(42, 7, 'webhook'), idempotencyKeyFor(42, 8, 'webhook'))
  })

  test('config/notifications boots with no notification variables set: safe defaults', ({
    assert,
  }) => {
    assert.equal(notificationsConfig.appUrl, app.config.get('app.hdtickets.url'))
    assert.isFalse(notificationsConfig.webhooks.allowPrivate)
    assert.isFalse(notificationsConfig.webhooks.allowHttp)
    assert.deepEqual(
      notificationsConfig.webhooks.retryScheduleMs,
      [30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000]
    )
    assert.match(notificationsConfig.email.from.address, /@/)
    // The registry builds from the real config
    const registry = new ChannelRegistry({ settings: notificationsConfig, vapidKeys: null })
    assert.include(registry.availableKinds(), 'webhook')
    return registry.close()
  })

  test('config/mail resolves to the SMTP transport by default (only the chosen transport is built)', async ({
    assert,
  }) => {
    // The provider reads app.config.get('mail'): the default export, not the module with `mailFrom`
    assert.strictEqual(app.config.get('mail'), mailConfig)
    const resolved = await configProvider.resolve<{
      default: string
      mailers: Record<string, () => unknown>
    }>(app, mailConfig)
    assert.equal(resolved!.default, 'smtp')
    assert.deepEqual(Object.keys(resolved!.mailers), ['smtp'])
    assert.instanceOf(resolved!.mailers.smtp(), SMTPTransport)
    // What the mail provider does with it once registered in adonisrc.ts
    const manager = new MailManager(emitter as any, resolved as any)
    const mailer = manager.use()
    assert.instanceOf(mailer, Mailer)
    await manager.closeAll()
  })

  test('a malformed Twilio SID stops start-up, naming the variable', ({ assert }) => {
    const result = spawnSync(process.execPath, ['--import=@poppinss/ts-exec', 'bin/server.ts'], {
      cwd: app.makePath(),
      env: { ...process.env, NODE_ENV: 'test', TWILIO_ACCOUNT_SID: 'SK0123' },
      encoding: 'utf8',
      timeout: 60_000,
    })
    assert.notEqual(result.status, 0)
    assert.include(`${result.stdout}${result.stderr}`, 'TWILIO_ACCOUNT_SID')
  }).timeout(60_000)
})
