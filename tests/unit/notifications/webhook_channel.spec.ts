import { createHmac, timingSafeEqual } from 'node:crypto'
import { test } from '@japa/runner'
import { SsrfGuard } from '#security/ssrf_guard'
import type { SsrfGuardOptions } from '#security/ssrf_guard'
import { GuardedPoster } from '#notifications/channels/http_post'
import WebhookChannel from '#notifications/channels/webhook_channel'
import type { WebhookConfig } from '#notifications/channels/webhook_channel'
import { PermanentDeliveryError, TransientDeliveryError } from '#notifications/errors'
import { verifySignature } from '#notifications/signature'
import { closedPort, startHttpServer } from './helpers/servers.js'
import type { LocalServer, RecordedRequest } from './helpers/servers.js'
import { priceAlert, ticketAvailable } from './helpers/messages.js'

const SECRET = 'whsec_receiver_test_secret_0123456789'
const SENT_AT = new Date('2026-03-14T18:02:12.000Z')

function channel(
  options: {
    allowPrivate?: boolean
    timeoutMs?: number
    resolve?: SsrfGuardOptions['resolve']
  } = {}
) {
  const guard = new SsrfGuard({
    allowPrivate: options.allowPrivate ?? true,
    resolve: options.resolve,
  })
  const poster = new GuardedPoster({
    guard,
    allowHttp: options.allowPrivate ?? true,
    timeoutMs: options.timeoutMs ?? 5_000,
    userAgent: 'HDTickets/0.1.0 (+https://tickets.example.org)',
  })
  return { webhook: new WebhookChannel(poster), poster }
}

/** What a receiver does (the README snippet): HMAC over `${t}.${raw body}`, constant-time compare, 5-minute tolerance. */
function receiverVerifies(request: RecordedRequest, secret: string, nowSeconds: number): boolean {
  const header = String(request.headers['hdtickets-signature'] ?? '')
  const parts = Object.fromEntries(
    header.split(',').map((part) => part.split('=') as [string, string])
  )
  const t = Number(parts.t)
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > 300 || !parts.v1) return false
  const expected = createHmac('sha256', secret).update(`${t}.`).update(request.body).digest()
  const given = Buffer.from(parts.v1, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

async function expectFailure(
  promise: Promise<unknown>
): Promise<PermanentDeliveryError | TransientDeliveryError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof PermanentDeliveryError || error instanceof TransientDeliveryError)
      return error
    throw error
  }
  throw new Error('expected the delivery to fail')
}

async function answering(
  status: number,
  headers: Record<string, string> = {},
  body = ''
): Promise<LocalServer> {
  return startHttpServer((_request, response) => {
    response.writeHead(status, headers)
    response.end(body)
  })
}

test.group('Webhook channel', (group) => {
  const servers: LocalServer[] = []
  group.each.teardown(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })

  test('posts the versioned JSON body, signed; a local receiver verifies it and a tampered body fails', async ({
    assert,
  }) => {
    const receiver = await startHttpServer((request, response) => {
      const ok = receiverVerifies(request, SECRET, Math.floor(SENT_AT.getTime() / 1000))
      response.writeHead(ok ? 202 : 401, { 'x-request-id': 'rcv-1' })
      response.end()
    })
    servers.push(receiver)
    const { webhook, poster } = channel()
    const config: WebhookConfig = { url: `${receiver.url}/hooks/hdtickets`, secret: SECRET }
    const result = await webhook.deliver(ticketAvailable({ purchaseRequestId: 8 }), config, {
      idempotencyKey: 'n42:c7',
      now: SENT_AT,
    })
    assert.deepEqual(result, { providerId: 'rcv-1' })

    const [request] = receiver.requests
    assert.equal(request.method, 'POST')
    assert.equal(request.url, '/hooks/hdtickets')
    assert.match(String(request.headers['content-type']), /^application\/json/)
    assert.match(String(request.headers['user-agent']), /^HDTickets\//)
    assert.equal(request.headers['hdtickets-event'], 'ticket_available')
    assert.equal(request.headers['hdtickets-delivery'], 'n42:c7')
    assert.equal(request.headers['idempotency-key'], 'n42:c7')
    assert.match(String(request.headers['hdtickets-signature']), /^t=1773511332,v1=[0-9a-f]{64}$/)

    const body = JSON.parse(request.body.toString('utf8'))
    assert.deepEqual(Object.keys(body), ['version', 'id', 'type', 'created_at', 'data'])
    assert.equal(body.version, 1)
    assert.equal(body.id, 'n42:c7')
    assert.equal(body.type, 'ticket_available')
    assert.equal(body.created_at, '2026-03-14T18:02:11.000Z')
    assert.containsSubset(body.data, {
      notification_id: '42',
      title: 'Tickets available: Arsenal v Chelsea',
      link: 'https://tickets.example.org/events/31?listing=9001',
      priority: 'high',
      event_id: 31,
      event_name: 'Arsenal v Chelsea',
      listing_id: 9001,
      section: '112',
      row: 'F',
      quantity: 2,
      price_minor: 8550,
      currency: 'GBP',
      purchase_request_id: 8,
    })

    // The library's verifier agrees; one changed byte does not verify
    const header = String(request.headers['hdtickets-signature'])
    assert.isTrue(verifySignature(header, request.body, SECRET, { now: SENT_AT }).ok)
    const tampered = Buffer.from(
      request.body.toString('utf8').replace('"quantity":2', '"quantity":9')
    )
    assert.notEqual(tampered.toString(), request.body.toString())
    assert.isFalse(
      receiverVerifies({ ...request, body: tampered }, SECRET, Math.floor(SENT_AT.getTime() / 1000))
    )
    assert.deepEqual(verifySignature(header, tampered, SECRET, { now: SENT_AT }), {
      ok: false,
      reason: 'no_matching_signature',
    })
    await poster.close()
  })

  test('a retry carries the same id and delivery key (receivers de-duplicate on it)', async ({
    assert,
  }) => {
    const receiver = await answering(200)
    servers.push(receiver)
    const { webhook } = channel()
    const config = { url: receiver.url, secret: SECRET }
    await webhook.deliver(priceAlert(), config, { idempotencyKey: 'n43:c2', now: SENT_AT })
    await webhook.deliver(priceAlert(), config, {
      idempotencyKey: 'n43:c2',
      now: new Date(SENT_AT.getTime() + 30_000),
    })
    const ids = receiver.requests.map((request) => JSON.parse(request.body.toString()).id)
    assert.deepEqual(ids, ['n43:c2', 'n43:c2'])
    assert.deepEqual(
      receiver.requests.map((r) => r.headers['hdtickets-delivery']),
      ['n43:c2', 'n43:c2']
    )
    // The signature timestamp is the send time, so it differs per attempt
    assert.notEqual(
      receiver.requests[0].headers['hdtickets-signature'],
      receiver.requests[1].headers['hdtickets-signature']
    )
  })

  test('4xx are permanent (channel at fault), except 408 and 429; 5xx transient; redirects not followed', async ({
    assert,
  }) => {
    const { webhook } = channel()
    const cases: Array<[number, 'permanent' | 'transient', string]> = [
      [400, 'permanent', 'http_400'],
      [401, 'permanent', 'http_401'],
      [404, 'permanent', 'http_404'],
      [410, 'permanent', 'http_410'],
      [408, 'transient', 'http_408'],
      [429, 'transient', 'rate_limited'],
      [500, 'transient', 'http_500'],
      [503, 'transient', 'http_503'],
      [301, 'permanent', 'redirect_not_followed'],
    ]
    for (const [status, kind, code] of cases) {
      const receiver = await answering(
        status,
        status === 301 ? { location: 'http://169.254.169.254/' } : {},
        `status ${status}`
      )
      servers.push(receiver)
      const error = await expectFailure(
        webhook.deliver(
          priceAlert(),
          { url: receiver.url, secret: SECRET },
          { idempotencyKey: `k${status}` }
        )
      )
      assert.instanceOf(
        error,
        kind === 'permanent' ? PermanentDeliveryError : TransientDeliveryError,
        String(status)
      )
      assert.equal(error.code, code, String(status))
      assert.equal(error.status, status)
      if (error instanceof PermanentDeliveryError) assert.isTrue(error.channelAtFault)
      // The redirect target was not visited: one request only
      assert.lengthOf(receiver.requests, 1)
    }
  })

  test('Retry-After on 429/503 is kept for the scheduler', async ({ assert }) => {
    const receiver = await answering(429, { 'retry-after': '120' })
    servers.push(receiver)
    const error = await expectFailure(
      channel().webhook.deliver(
        priceAlert(),
        { url: receiver.url, secret: SECRET },
        { idempotencyKey: 'k' }
      )
    )
    assert.instanceOf(error, TransientDeliveryError)
    assert.equal((error as TransientDeliveryError).retryAfterMs, 120_000)
  })

  test('a receiver that hangs or is down fails the attempt as transient', async ({ assert }) => {
    const hanging = await startHttpServer(() => {
      /* never answers */
    })
    servers.push(hanging)
    const { webhook } = channel({ timeoutMs: 300 })
    const timeout = await expectFailure(
      webhook.deliver(priceAlert(), { url: hanging.url, secret: SECRET }, { idempotencyKey: 'k' })
    )
    assert.instanceOf(timeout, TransientDeliveryError)
    assert.equal(timeout.code, 'timeout')

    const port = await closedPort()
    const refused = await expectFailure(
      webhook.deliver(
        priceAlert(),
        { url: `http://127.0.0.1:${port}/`, secret: SECRET },
        { idempotencyKey: 'k' }
      )
    )
    assert.instanceOf(refused, TransientDeliveryError)
    assert.equal(refused.code, 'connection_refused')
  })

  test('SSRF: loopback and private URLs are refused at save and at send unless the operator allows them', async ({
    assert,
  }) => {
    const receiver = await answering(200)
    servers.push(receiver)
    const { webhook } = channel({ allowPrivate: false })

    const loopback = await webhook.validateConfig({ url: 'https://127.0.0.1:8443/hook' })
    assert.deepEqual(loopback.ok ? [] : loopback.errors.map((e) => [e.field, e.code]), [
      ['url', 'E_PRIVATE_URL'],
    ])
    const metadata = await webhook.validateConfig({ url: 'https://169.254.169.254/latest' })
    assert.isFalse(metadata.ok)
    const plainHttp = await webhook.validateConfig({ url: 'http://hooks.example.com/x' })
    assert.deepEqual(plainHttp.ok ? [] : plainHttp.errors.map((e) => [e.field, e.code]), [
      ['url', 'E_INSECURE_URL'],
    ])

    // A public-looking name that resolves to a private address
    const rebinding = channel({
      allowPrivate: false,
      resolve: async () => [{ address: '10.1.2.3', family: 4 }],
    }).webhook
    const named = await rebinding.validateConfig({ url: 'https://hooks.tickets.example/' })
    assert.isFalse(named.ok)
    if (!named.ok) assert.include(named.errors[0].message, '10.0.0.0/8')

    // At send time too (a config stored before the operator changed their mind)
    const refused = await expectFailure(
      webhook.deliver(
        priceAlert(),
        { url: receiver.url.replace('http:', 'https:'), secret: SECRET },
        { idempotencyKey: 'k' }
      )
    )
    assert.instanceOf(refused, PermanentDeliveryError)
    assert.equal(refused.code, 'ssrf_refused')
    const insecure = await expectFailure(
      webhook.deliver(priceAlert(), { url: receiver.url, secret: SECRET }, { idempotencyKey: 'k' })
    )
    assert.equal(insecure.code, 'insecure_url')
    assert.lengthOf(receiver.requests, 0)

    // The operator allows private targets (WEBHOOK_ALLOW_PRIVATE): accepted and delivered
    const allowed = channel({ allowPrivate: true }).webhook
    const saved = await allowed.validateConfig({ url: receiver.url })
    assert.isTrue(saved.ok)
    if (saved.ok) await allowed.deliver(priceAlert(), saved.config, { idempotencyKey: 'k' })
    assert.lengthOf(receiver.requests, 1)
  })

  test('DNS rebinding: a name that resolved public at check time but private at connect time is refused', async ({
    assert,
  }) => {
    const receiver = await answering(200)
    servers.push(receiver)
    let lookups = 0
    const guard = new SsrfGuard({
      resolve: async () =>
        lookups++ === 0
          ? [{ address: '93.184.216.34', family: 4 }]
          : [{ address: '127.0.0.1', family: 4 }],
    })
    const poster = new GuardedPoster({
      guard,
      allowHttp: true,
      timeoutMs: 5_000,
      userAgent: 'HDTickets/0.1.0 (+https://tickets.example.org)',
    })
    const webhook = new WebhookChannel(poster)
    const error = await expectFailure(
      webhook.deliver(
        priceAlert(),
        { url: `http://rebind.tickets.example:${receiver.port}/hook`, secret: SECRET },
        { idempotencyKey: 'k' }
      )
    )
    assert.instanceOf(error, PermanentDeliveryError)
    assert.equal(error.code, 'ssrf_refused')
    assert.include(error.message, 'loopback')
    assert.isAtLeast(lookups, 2)
    assert.lengthOf(receiver.requests, 0)
    await poster.close()
  })

  test('config: a secret is generated when none is given; a weak one is refused naming the field', async ({
    assert,
  }) => {
    const { webhook } = channel({
      allowPrivate: false,
      resolve: async () => [{ address: '93.184.216.34', family: 4 }],
    })
    const generated = await webhook.validateConfig({ url: 'https://hooks.tickets.example/in' })
    assert.isTrue(generated.ok)
    if (generated.ok) {
      assert.equal(generated.config.url, 'https://hooks.tickets.example/in')
      assert.match(generated.config.secret, /^whsec_/)
    }
    const weak = await webhook.validateConfig({
      url: 'https://hooks.tickets.example/in',
      secret: 'short',
    })
    assert.deepEqual(weak.ok ? [] : weak.errors.map((e) => [e.field, e.code]), [
      ['secret', 'E_WEAK_SECRET'],
    ])
    const missing = await webhook.validateConfig({})
    assert.deepEqual(missing.ok ? [] : missing.errors.map((e) => [e.field, e.code]), [
      ['url', 'E_REQUIRED'],
    ])
    const garbage = await webhook.validateConfig({ url: 'not a url' })
    assert.deepEqual(garbage.ok ? [] : garbage.errors.map((e) => [e.field, e.code]), [
      ['url', 'E_INVALID_URL'],
    ])
  })
})
