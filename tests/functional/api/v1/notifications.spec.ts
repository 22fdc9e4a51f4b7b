import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { createUser } from '#tests/helpers/users'
import { clearNotifications, storeChannel, useLocalPeers } from '#tests/helpers/notifications'
import { startHttpServer } from '#tests/unit/notifications/helpers/servers'
import { createNotifications } from '#notifications/create_notifications'
import { buildAccountIssue } from '#notifications/message'
import { verifySignature } from '#notifications/signature'
import { resetChannelRegistry } from '#notifications/runtime'

async function token(user: User, abilities: string[]) {
  return (await User.accessTokens.create(user, abilities)).value!.release()
}

function message(index: number) {
  return buildAccountIssue(
    { platform: 'sandbox', issue: `issue ${index}` },
    { appUrl: 'http://localhost:3333', now: new Date() }
  )
}

test.group('API: notifications', (group) => {
  group.each.setup(async () => {
    await clearNotifications()
    await User.query().delete()
    return () => resetChannelRegistry()
  })

  test('list with cursor pagination, mark read, mark all read; owner only', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const other = await createUser('member')
    await createNotifications(
      [1, 2, 3].map((index) => ({ userId: user.id, message: message(index) }))
    )
    const [foreign] = await createNotifications([{ userId: other.id, message: message(9) }])
    const reader = await token(user, ['read'])
    const writer = await token(user, ['read', 'write'])

    const first = await client.get('/api/v1/notifications?limit=2').bearerToken(reader)
    first.assertStatus(200)
    assert.lengthOf(first.body().data, 2)
    assert.equal(first.body().meta.unread, 3)
    assert.equal(first.body().data[0].body, 'issue 3')
    assert.deepEqual(
      first.body().data[0].deliveries.map((row: any) => row.channelKind),
      ['inapp']
    )
    const second = await client
      .get(`/api/v1/notifications?limit=2&cursor=${first.body().meta.nextCursor}`)
      .bearerToken(reader)
    assert.deepEqual(
      second.body().data.map((row: any) => row.body),
      ['issue 1']
    )
    assert.isNull(second.body().meta.nextCursor)

    ;(
      await client.post(`/api/v1/notifications/${first.body().data[0].id}/read`).bearerToken(reader)
    ).assertStatus(403)
    ;(
      await client.post(`/api/v1/notifications/${first.body().data[0].id}/read`).bearerToken(writer)
    ).assertStatus(204)
    ;(
      await client.post(`/api/v1/notifications/${foreign.id}/read`).bearerToken(writer)
    ).assertStatus(404)
    const unread = await client.get('/api/v1/notifications?unread=true').bearerToken(reader)
    assert.lengthOf(unread.body().data, 2)
    const all = await client.post('/api/v1/notifications/read-all').bearerToken(writer)
    assert.equal(all.body().data.marked, 2)
    assert.isNull(
      (await db.from('notifications').where('id', foreign.id).first()).read_at,
      'another user’s stay unread'
    )
  })

  test('channels: add with validation (422 naming the field), list without secrets, test send, remove', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const writer = await token(user, ['read', 'write'])
    const reader = await token(user, ['read'])

    const cases: Array<[Record<string, unknown>, string, string]> = [
      [
        { kind: 'webhook', name: 'Hook', config: { url: 'http://hooks.example.com/x' } },
        'config.url',
        'E_INSECURE_URL',
      ],
      [
        { kind: 'webhook', name: 'Hook', config: { url: 'https://10.1.2.3/x' } },
        'config.url',
        'E_PRIVATE_URL',
      ],
      [{ kind: 'webhook', name: '', config: { url: 'https://127.0.0.1/x' } }, 'name', 'E_REQUIRED'],
      [{ kind: 'carrier-pigeon', name: 'x', config: {} }, 'kind', 'E_INVALID_KIND'],
    ]
    for (const [body, field, code] of cases) {
      const response = await client
        .post('/api/v1/notifications/channels')
        .bearerToken(writer)
        .json(body)
      response.assertStatus(422)
      assert.deepInclude(
        response.body().errors.map((e: any) => ({ field: e.field, code: e.code })),
        { field, code },
        JSON.stringify(body)
      )
    }
    assert.lengthOf(await db.from('notification_channels'), 0, 'nothing stored')
    ;(
      await client
        .post('/api/v1/notifications/channels')
        .bearerToken(reader)
        .json({ kind: 'webhook', name: 'x', config: { url: 'https://hooks.example.com/x' } })
    ).assertStatus(403)

    // SMS needs Twilio configured; with the local peers, a non-E.164 number is refused by field
    const received: boolean[] = []
    const receiver = await startHttpServer((request, response) => {
      received.push(
        verifySignature(request.headers['hdtickets-signature'], request.body, secret).ok
      )
      response.writeHead(200, { 'x-request-id': 'rcv-1' })
      response.end('ok')
    })
    const twilio = await startHttpServer((_request, response) => {
      response.end('{}')
    })
    const peers = useLocalPeers({ twilioUrl: twilio.url, smtpPort: 2525 })
    const mail = await client
      .post('/api/v1/notifications/channels')
      .bearerToken(writer)
      .json({ kind: 'email', name: 'Mail', config: { address: 'not-an-email' } })
    mail.assertStatus(422)
    mail.assertBodyContains({ errors: [{ field: 'config.address', code: 'E_INVALID_EMAIL' }] })
    const phone = await client
      .post('/api/v1/notifications/channels')
      .bearerToken(writer)
      .json({ kind: 'sms', name: 'Phone', config: { number: '0044 20 7946 0000 x' } })
    phone.assertStatus(422)
    phone.assertBodyContains({ errors: [{ field: 'config.number', code: 'E_INVALID_PHONE' }] })

    let secret = ''
    const created = await client
      .post('/api/v1/notifications/channels')
      .bearerToken(writer)
      .json({
        kind: 'webhook',
        name: 'Receiver',
        config: { url: `${receiver.url}/hook/tok3n-in-path` },
      })
    created.assertStatus(201)
    secret = created.body().meta.signingSecret
    assert.match(secret, /^whsec_/, 'a generated signing secret is shown once, at creation')
    const id = created.body().data.id

    const list = await client.get('/api/v1/notifications/channels').bearerToken(reader)
    const text = JSON.stringify(list.body())
    assert.notInclude(text, secret)
    assert.notInclude(text, 'tok3n-in-path')
    assert.equal(list.body().data[0].target, `${receiver.url}/hook/…`)
    assert.notProperty(list.body().data[0], 'encryptedConfig')
    assert.notProperty(list.body().data[0], 'config')

    const sent = await client.post(`/api/v1/notifications/channels/${id}/test`).bearerToken(writer)
    sent.assertStatus(200)
    assert.deepInclude(sent.body().data, { ok: true, providerId: 'rcv-1' })
    assert.deepEqual(received, [true])

    ;(await client.delete(`/api/v1/notifications/channels/${id}`).bearerToken(reader)).assertStatus(
      403
    )
    ;(await client.delete(`/api/v1/notifications/channels/${id}`).bearerToken(writer)).assertStatus(
      204
    )
    assert.lengthOf(await db.from('notification_channels'), 0)
    await receiver.close()
    await twilio.close()
    await peers.close()
  })

  test('a failed test send reports the provider’s answer', async ({ client, assert }) => {
    const user = await createUser('member')
    const writer = await token(user, ['read', 'write'])
    const receiver = await startHttpServer((_request, response) => {
      response.writeHead(410)
      response.end('gone')
    })
    const peers = useLocalPeers()
    const id = await storeChannel(user.id, 'webhook', {
      url: `${receiver.url}/hook`,
      secret: 'whsec_0123456789abcdef0123',
    })
    const sent = await client.post(`/api/v1/notifications/channels/${id}/test`).bearerToken(writer)
    assert.isFalse(sent.body().data.ok)
    assert.equal(sent.body().data.errorCode, 'http_410')
    assert.match(sent.body().data.error, /HTTP 410/)
    await receiver.close()
    await peers.close()
  })

  test('preferences: get defaults, put validated (422 naming the field), stored per user', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const other = await createUser('member')
    const otherChannel = await storeChannel(other.id, 'webhook', {
      url: 'https://hooks.example.com/x',
      secret: 'whsec_0123456789abcdef0123',
    })
    const mine = await storeChannel(user.id, 'webhook', {
      url: 'https://hooks.example.com/y',
      secret: 'whsec_0123456789abcdef0123',
    })
    const writer = await token(user, ['read', 'write'])
    const reader = await token(user, ['read'])

    const initial = await client.get('/api/v1/notifications/preferences').bearerToken(reader)
    assert.deepEqual(initial.body().data, {
      quietHours: null,
      digestMinutes: null,
      escalation: null,
      types: {},
      timeZone: 'UTC',
    })

    const bad = await client
      .put('/api/v1/notifications/preferences')
      .bearerToken(writer)
      .json({
        timeZone: 'Mars/Olympus',
        quietHours: { start: '25:00', end: '07:00' },
        types: { price_alert: [otherChannel] },
      })
    bad.assertStatus(422)
    const fields = bad.body().errors.map((e: any) => e.field)
    assert.includeMembers(fields, ['timeZone', 'quietHours.start', 'types.price_alert'])
    assert.isNull(
      await db.from('notification_preferences').where('user_id', user.id).first(),
      'nothing stored'
    )
    ;(
      await client.put('/api/v1/notifications/preferences').bearerToken(reader).json({})
    ).assertStatus(403)

    const good = await client
      .put('/api/v1/notifications/preferences')
      .bearerToken(writer)
      .json({
        timeZone: 'Europe/London',
        quietHours: { start: '22:00', end: '07:00' },
        digestMinutes: 60,
        escalation: { afterMinutes: 5, channelIds: [mine] },
        types: { price_alert: [mine], purchase_success: [] },
      })
    good.assertStatus(200)
    const stored = await client.get('/api/v1/notifications/preferences').bearerToken(reader)
    assert.deepEqual(stored.body().data.types, { price_alert: [mine], purchase_success: [] })
    assert.equal(stored.body().data.timeZone, 'Europe/London')
    assert.equal((await db.from('users').where('id', user.id).first()).timezone, 'Europe/London')
  })

  test('the alerts API carries each alert’s receipt: detected at, and when each channel delivered it', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const reader = await token(user, ['read'])
    const detected = new Date(Date.now() - 5_000)
    await db.table('alerts').insert({
      user_id: user.id,
      type: 'price_alert',
      condition: 'price_drop',
      dedupe_key: `receipt-${user.id}`,
      reason: JSON.stringify({ text: 'dropped' }),
      detected_at: detected,
      created_at: detected,
    })
    const alert = await db.from('alerts').where('dedupe_key', `receipt-${user.id}`).first()
    const { notifyAlerts } = await import('#notifications/alert_notifications')
    await notifyAlerts([Number(alert.id)])
    const response = await client.get('/api/v1/alerts').bearerToken(reader)
    const row = response.body().data.find((entry: any) => entry.id === Number(alert.id))
    assert.equal(row.detectedAt, detected.toISOString())
    assert.lengthOf(row.deliveries, 1)
    assert.equal(row.deliveries[0].channelKind, 'inapp')
    assert.equal(row.deliveries[0].status, 'sent')
    assert.isString(row.deliveries[0].deliveredAt)
    await db.from('alerts').where('id', alert.id).delete()
  })
})

test.group('Web: notification settings and centre', (group) => {
  group.each.setup(async () => {
    await clearNotifications()
    await User.query().delete()
  })

  test('adding a channel with a bad field returns to the form with the error beside it; JSON clients get 422', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const json = await client
      .post('/settings/notifications/channels')
      .json({ kind: 'webhook', name: 'Hook', config: { url: 'http://hooks.example.com/x' } })
      .header('accept', 'application/json')
      .loginAs(user)
      .withCsrfToken()
    json.assertStatus(422)
    json.assertBodyContains({ errors: [{ field: 'config.url', code: 'E_INSECURE_URL' }] })

    const form = await client
      .post('/settings/notifications/channels')
      .json({ kind: 'email', name: 'Mail', config: { address: 'nope' } })
      .loginAs(user)
      .withCsrfToken()
      .withInertia()
      .redirects(0)
    form.assertStatus(302)
    assert.lengthOf(await db.from('notification_channels'), 0)
  })

  test('the service worker is served from the site root', async ({ client, assert }) => {
    const response = await client.get('/sw.js')
    response.assertStatus(200)
    assert.match(String(response.header('content-type')), /javascript/)
    assert.include(response.text(), "addEventListener('push'")
    assert.include(response.text(), "addEventListener('notificationclick'")
  })

  test('the settings page shows channels without secrets; the centre lists and marks read', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    await storeChannel(
      user.id,
      'webhook',
      { url: 'https://hooks.example.com/secret-path/abc', secret: 'whsec_do_not_show_0123456789' },
      'Team hook'
    )
    const [created] = await createNotifications([{ userId: user.id, message: message(1) }])
    const page = await client.get('/settings/notifications').loginAs(user).withInertia()
    page.assertStatus(200)
    assert.equal(page.body().component, 'settings/notifications')
    const text = JSON.stringify(page.body().props)
    assert.notInclude(text, 'whsec_do_not_show')
    assert.notInclude(text, 'secret-path/abc')
    assert.equal(page.body().props.channels[0].name, 'Team hook')
    assert.isString(
      page.body().props.vapidPublicKey,
      'VAPID keys generated and stored on first use'
    )
    const stored = await db.from('app_secrets').where('key', 'vapid').first()
    assert.notInclude(stored.encrypted_value, page.body().props.vapidPublicKey, 'stored encrypted')

    const centre = await client.get('/notifications').loginAs(user).withInertia()
    assert.equal(centre.body().component, 'notifications/index')
    assert.equal(centre.body().props.unread, 1)
    const count = await client
      .get('/notifications/unread')
      .loginAs(user)
      .header('accept', 'application/json')
    assert.deepEqual(count.body(), { unread: 1 })
    ;(
      await client
        .post(`/notifications/${created.id}/read`)
        .loginAs(user)
        .withCsrfToken()
        .redirects(0)
    ).assertStatus(302)
    assert.deepEqual((await client.get('/notifications/unread').loginAs(user)).body(), {
      unread: 0,
    })
  })
})

test.group('API: viewers are read-only on notifications (#12 item 5)', () => {
  test('a viewer cannot add or remove channels or change preferences, even with a write token', async ({
    client,
    assert,
  }) => {
    const viewer = await createUser('viewer')
    /** A write token made while the viewer was a member: the role still decides. */
    const writeToken = (await User.accessTokens.create(viewer, ['read', 'write'])).value!.release()
    const channelId = await storeChannel(viewer.id, 'webhook', { url: 'https://example.com/h' })

    const writes = [
      client
        .post('/api/v1/notifications/channels')
        .bearerToken(writeToken)
        .json({ kind: 'webhook', name: 'Hook', config: { url: 'https://example.com/x' } }),
      client
        .put('/api/v1/notifications/preferences')
        .bearerToken(writeToken)
        .json({ timeZone: 'UTC' }),
      client.delete(`/api/v1/notifications/channels/${channelId}`).bearerToken(writeToken),
      client.post(`/api/v1/notifications/channels/${channelId}/test`).bearerToken(writeToken),
    ]
    for (const response of await Promise.all(writes)) {
      assert.equal(response.status(), 403, response.text())
      assert.oneOf(response.body().errors[0].code, ['E_FORBIDDEN', 'E_TOKEN_ABILITY'])
    }
    const channels = await db.from('notification_channels').where('user_id', viewer.id)
    assert.lengthOf(channels, 1, 'nothing was added or removed')
    const read = await client.get('/api/v1/notifications/preferences').bearerToken(writeToken)
    read.assertStatus(200)
  })
})
