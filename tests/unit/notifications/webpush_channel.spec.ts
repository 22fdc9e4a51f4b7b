import { test } from '@japa/runner'
import webpush from 'web-push'
import { SsrfGuard } from '#security/ssrf_guard'
import WebPushChannel, { topicFor } from '#notifications/channels/webpush_channel'
import { PermanentDeliveryError, TransientDeliveryError } from '#notifications/errors'
import {
  InvalidVapidKeys,
  ensureVapidKeys,
  resolveVapidSubject,
  vapidKeysProblem,
} from '#notifications/vapid'
import { TEST_CA, startHttpsServer } from './helpers/servers.js'
import type { LocalServer, RecordedRequest } from './helpers/servers.js'
import {
  browserSubscription,
  checkVapidAuthorization,
  decryptAes128gcm,
} from './helpers/push_crypto.js'
import { APP_URL, priceAlert, ticketAvailable } from './helpers/messages.js'

const VAPID = webpush.generateVAPIDKeys()
const SUBJECT = 'mailto:ops@tickets.example.org'

function channel(allowPrivate = true) {
  return new WebPushChannel({
    vapid: { ...VAPID, subject: SUBJECT },
    guard: new SsrfGuard({ allowPrivate }),
    appUrl: APP_URL,
    timeoutMs: 3_000,
    ca: TEST_CA,
  })
}

/**
 * A push service: checks the VAPID JWT (ES256 signature with k, aud = its
 * origin, exp within 24 h, sub) and the encrypted-payload headers, decrypts
 * the body with the subscription's keys, answers 201 + Location.
 */
async function pushService(receiver: ReturnType<typeof browserSubscription> | null, status = 201) {
  const problems: string[] = []
  const payloads: unknown[] = []
  let origin = ''
  const server = await startHttpsServer((request: RecordedRequest, response) => {
    const check = (ok: boolean, what: string) => {
      if (!ok) problems.push(what)
    }
    try {
      const vapid = checkVapidAuthorization(request.headers.authorization)
      const now = Math.floor(Date.now() / 1000)
      check(vapid.signatureValid, 'JWT signature does not verify with k')
      check(
        vapid.header.alg === 'ES256' && vapid.header.typ === 'JWT',
        `JWT header ${JSON.stringify(vapid.header)}`
      )
      check(vapid.key === VAPID.publicKey, 'k is not the server public key')
      check(vapid.claims.aud === origin, `aud ${vapid.claims.aud} ≠ ${origin}`)
      check(
        typeof vapid.claims.exp === 'number' &&
          vapid.claims.exp > now &&
          vapid.claims.exp <= now + 24 * 3600,
        `exp ${vapid.claims.exp}`
      )
      check(vapid.claims.sub === SUBJECT, `sub ${vapid.claims.sub}`)
    } catch (error) {
      problems.push(String(error))
    }
    check(
      request.headers['content-encoding'] === 'aes128gcm',
      `Content-Encoding ${request.headers['content-encoding']}`
    )
    check(
      request.headers['content-type'] === 'application/octet-stream',
      `Content-Type ${request.headers['content-type']}`
    )
    check(/^\d+$/.test(String(request.headers.ttl)), `TTL ${request.headers.ttl}`)
    if (receiver && status < 300) {
      try {
        payloads.push(JSON.parse(decryptAes128gcm(request.body, receiver.ecdh, receiver.auth)))
      } catch (error) {
        problems.push(`cannot decrypt: ${error}`)
      }
    }
    response.writeHead(status, status < 300 ? { location: `${origin}/m/${payloads.length}` } : {})
    response.end(status < 300 ? '' : 'push subscription has unsubscribed or expired.')
  })
  origin = server.url
  return { server, problems, payloads }
}

function offCurve(p256dh: string): string {
  const bytes = Buffer.from(p256dh, 'base64url')
  bytes[64] ^= 0x01
  return bytes.toString('base64url')
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    return error as PermanentDeliveryError | TransientDeliveryError
  }
  throw new Error('expected a failure')
}

test.group('Web push channel (local push service over TLS)', (group) => {
  const servers: LocalServer[] = []
  const channels: WebPushChannel[] = []
  group.each.teardown(async () => {
    channels.splice(0).forEach((c) => c.close())
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })

  test('VAPID JWT verifies (ES256, aud, exp, sub), aes128gcm body with TTL, Urgency and Topic; the payload carries the actions', async ({
    assert,
  }) => {
    const browser = browserSubscription('')
    const push = await pushService(browser)
    servers.push(push.server)
    browser.subscription.endpoint = `${push.server.url}/push/v2/abc123`

    const webpushChannel = channel()
    channels.push(webpushChannel)
    const saved = await webpushChannel.validateConfig(browser.subscription)
    assert.isTrue(saved.ok)
    if (!saved.ok) return
    const message = ticketAvailable({ purchaseRequestId: 8 })
    const result = await webpushChannel.deliver(message, saved.config, { idempotencyKey: 'n42:c3' })

    assert.deepEqual(push.problems, [])
    assert.lengthOf(push.server.requests, 1)
    const [request] = push.server.requests
    assert.equal(request.method, 'POST')
    assert.equal(request.url, '/push/v2/abc123')
    assert.equal(request.headers.ttl, '3600')
    assert.equal(request.headers.urgency, 'high')
    assert.equal(request.headers.topic, topicFor('n42:c3'))
    assert.equal(result.providerId, `${push.server.url}/m/1`)

    assert.lengthOf(push.payloads, 1)
    const payload = push.payloads[0] as Record<string, any>
    assert.equal(payload.title, 'Tickets available: Arsenal v Chelsea')
    assert.include(payload.body, 'Section 112, row F')
    assert.equal(payload.tag, 'hdt-42')
    assert.isTrue(payload.requireInteraction)
    assert.deepEqual(
      payload.actions.map((action: { action: string }) => action.action),
      ['approve', 'snooze', 'open']
    )
    assert.equal(payload.data.url, message.link)
    assert.equal(payload.data.purchaseRequestId, 8)
    assert.deepEqual(payload.data.actionUrls, {
      open: message.link,
      approve: `${APP_URL}/purchases/8?approve=1`,
      snooze: `${APP_URL}/api/v1/notifications/42/snooze`,
    })
  })

  test('no purchase request: open and snooze only; normal priority maps to Urgency normal', async ({
    assert,
  }) => {
    const browser = browserSubscription('')
    const push = await pushService(browser)
    servers.push(push.server)
    browser.subscription.endpoint = `${push.server.url}/push/xyz`
    const webpushChannel = channel()
    channels.push(webpushChannel)
    await webpushChannel.deliver(priceAlert(), browser.subscription, { idempotencyKey: 'n43:c3' })
    assert.deepEqual(push.problems, [])
    assert.equal(push.server.requests[0].headers.urgency, 'normal')
    assert.equal(push.server.requests[0].headers.ttl, String(6 * 3600))
    const payload = push.payloads[0] as Record<string, any>
    assert.deepEqual(
      payload.actions.map((action: { action: string }) => action.action),
      ['snooze', 'open']
    )
    assert.isFalse(payload.requireInteraction)
  })

  test('404 and 410 from the push service: subscription_gone, the caller removes it; 429/5xx transient; 413 not the channel’s fault', async ({
    assert,
  }) => {
    const webpushChannel = channel()
    channels.push(webpushChannel)
    const expectations: Array<[number, 'permanent' | 'transient', string]> = [
      [404, 'permanent', 'subscription_gone'],
      [410, 'permanent', 'subscription_gone'],
      [413, 'permanent', 'payload_too_large'],
      [429, 'transient', 'rate_limited'],
      [502, 'transient', 'http_502'],
    ]
    for (const [status, kind, code] of expectations) {
      const browser = browserSubscription('')
      const push = await pushService(browser, status)
      servers.push(push.server)
      browser.subscription.endpoint = `${push.server.url}/push/gone`
      const error = await failure(
        webpushChannel.deliver(priceAlert(), browser.subscription, { idempotencyKey: 'k' })
      )
      assert.instanceOf(
        error,
        kind === 'permanent' ? PermanentDeliveryError : TransientDeliveryError,
        String(status)
      )
      assert.equal(error.code, code, String(status))
      assert.equal(error.status, status)
      if (code === 'subscription_gone')
        assert.isTrue((error as PermanentDeliveryError).channelAtFault)
      if (code === 'payload_too_large')
        assert.isFalse((error as PermanentDeliveryError).channelAtFault)
    }
  })

  test('the subscription endpoint passes the SSRF guard at save and at send', async ({
    assert,
  }) => {
    const browser = browserSubscription('')
    const push = await pushService(browser)
    servers.push(push.server)
    browser.subscription.endpoint = `${push.server.url}/push/internal`
    const guarded = channel(false)
    channels.push(guarded)
    const saved = await guarded.validateConfig(browser.subscription)
    assert.deepEqual(saved.ok ? null : saved.errors.map((e) => [e.field, e.code]), [
      ['endpoint', 'E_PRIVATE_URL'],
    ])
    const error = await failure(
      guarded.deliver(priceAlert(), browser.subscription, { idempotencyKey: 'k' })
    )
    assert.instanceOf(error, PermanentDeliveryError)
    assert.equal(error.code, 'ssrf_refused')
    assert.lengthOf(push.server.requests, 0)
  })

  test('malformed subscriptions are refused naming the field', async ({ assert }) => {
    const webpushChannel = channel()
    channels.push(webpushChannel)
    const { subscription } = browserSubscription('https://127.0.0.1:9/push/1')
    const cases: Array<[unknown, string[]]> = [
      [{ ...subscription, endpoint: 'http://127.0.0.1:9/push/1' }, ['endpoint:E_INSECURE_URL']],
      [{ ...subscription, endpoint: undefined }, ['endpoint:E_REQUIRED']],
      [
        { ...subscription, keys: { ...subscription.keys, p256dh: 'AAAA' } },
        ['keys.p256dh:E_INVALID_PUSH_KEY'],
      ],
      // 65 bytes starting 0x04 but not a point on P-256 (one coordinate byte changed)
      [
        {
          ...subscription,
          keys: { ...subscription.keys, p256dh: offCurve(subscription.keys.p256dh) },
        },
        ['keys.p256dh:E_INVALID_PUSH_KEY'],
      ],
      [
        { ...subscription, keys: { ...subscription.keys, auth: 'c2hvcnQ' } },
        ['keys.auth:E_INVALID_PUSH_KEY'],
      ],
      [{ endpoint: subscription.endpoint }, ['keys:E_REQUIRED']],
      [{ ...subscription, expirationTime: 'soon' }, ['expirationTime:E_INVALID_PUSH_SUBSCRIPTION']],
    ]
    for (const [input, expected] of cases) {
      const result = await webpushChannel.validateConfig(input)
      assert.deepEqual(
        result.ok ? [] : result.errors.map((e) => `${e.field}:${e.code}`),
        expected,
        JSON.stringify(input).slice(0, 80)
      )
    }
    const good = await webpushChannel.validateConfig(subscription)
    assert.isTrue(good.ok)
  })
})

test.group('VAPID keys', () => {
  test('generated on first start (none configured), returned for the caller to store', ({
    assert,
  }) => {
    const first = ensureVapidKeys(null)
    assert.isTrue(first.generated)
    assert.isNull(vapidKeysProblem(first.keys))
    assert.lengthOf(Buffer.from(first.keys.publicKey, 'base64url'), 65)
    assert.lengthOf(Buffer.from(first.keys.privateKey, 'base64url'), 32)
    // Next start: the stored pair is kept as is
    assert.deepEqual(ensureVapidKeys(first.keys), { keys: first.keys, generated: false })
  })

  test('a half-configured or mismatched pair stops start-up with the reason', ({ assert }) => {
    const a = webpush.generateVAPIDKeys()
    const b = webpush.generateVAPIDKeys()
    assert.throws(() => ensureVapidKeys({ publicKey: a.publicKey }), InvalidVapidKeys)
    assert.throws(
      () => ensureVapidKeys({ publicKey: a.publicKey, privateKey: b.privateKey }),
      /does not belong/
    )
    assert.throws(
      () => ensureVapidKeys({ publicKey: 'not+base64', privateKey: a.privateKey }),
      /base64url/
    )
  })

  test('subject: configured, else the https APP_URL, else mailto: the sender', ({ assert }) => {
    assert.equal(
      resolveVapidSubject('mailto:ops@x.example', 'https://t.example/hd', 'a@b.example'),
      'mailto:ops@x.example'
    )
    assert.equal(
      resolveVapidSubject(null, 'https://t.example/hd', 'a@b.example'),
      'https://t.example'
    )
    assert.equal(
      resolveVapidSubject(null, 'http://localhost:3333', 'a@b.example'),
      'mailto:a@b.example'
    )
  })
})
