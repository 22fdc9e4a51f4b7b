import { test } from '@japa/runner'
import SmsChannel from '#notifications/channels/sms_channel'
import { PermanentDeliveryError, TransientDeliveryError } from '#notifications/errors'
import { SMS_MAX_LENGTH, renderSms } from '#notifications/templates/sms'
import { buildTicketAvailable } from '#notifications/message'
import { closedPort, startHttpServer } from './helpers/servers.js'
import type { LocalServer, RecordedRequest } from './helpers/servers.js'
import { APP_URL, NOW, everyType, priceAlert, ticketAvailable } from './helpers/messages.js'

const SID = 'AC0123456789abcdef0123456789abcdef'
const TOKEN = 'test-auth-token-0123456789'
const FROM = '+15005550006'

/**
 * A local stand-in for api.twilio.com: POST /2010-04-01/Accounts/{Sid}/Messages.json,
 * basic auth SID:token, form-encoded To/From/Body, 201 with the message resource.
 */
async function fakeTwilio(
  answer?: (request: RecordedRequest) => { status: number; body: unknown } | null
): Promise<LocalServer> {
  let counter = 0
  return startHttpServer((request, response) => {
    const custom = answer?.(request)
    if (custom) {
      response.writeHead(custom.status, { 'content-type': 'application/json' })
      response.end(typeof custom.body === 'string' ? custom.body : JSON.stringify(custom.body))
      return
    }
    const expectedAuth = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`
    if (request.method !== 'POST' || request.url !== `/2010-04-01/Accounts/${SID}/Messages.json`) {
      response.writeHead(404, { 'content-type': 'application/json' })
      response.end(
        JSON.stringify({
          code: 20404,
          message: 'The requested resource was not found',
          status: 404,
        })
      )
      return
    }
    if (request.headers.authorization !== expectedAuth) {
      response.writeHead(401, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ code: 20003, message: 'Authenticate', status: 401 }))
      return
    }
    const form = new URLSearchParams(request.body.toString('utf8'))
    counter += 1
    const sid = `SM${String(counter).padStart(32, '0')}`
    response.writeHead(201, { 'content-type': 'application/json' })
    response.end(
      JSON.stringify({
        sid,
        account_sid: SID,
        to: form.get('To'),
        from: form.get('From'),
        body: form.get('Body'),
        status: 'queued',
        num_segments: '1',
        direction: 'outbound-api',
        api_version: '2010-04-01',
        date_created: 'Sat, 14 Mar 2026 18:02:12 +0000',
        uri: `/2010-04-01/Accounts/${SID}/Messages/${sid}.json`,
      })
    )
  })
}

function sms(
  server: LocalServer,
  overrides: Partial<ConstructorParameters<typeof SmsChannel>[0]> = {}
) {
  return new SmsChannel({
    accountSid: SID,
    authToken: TOKEN,
    from: FROM,
    apiBase: server.url,
    timeoutMs: 3_000,
    ...overrides,
  })
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    return error as PermanentDeliveryError | TransientDeliveryError
  }
  throw new Error('expected a failure')
}

test.group('SMS channel (Twilio SDK against a local Messages endpoint)', (group) => {
  const servers: LocalServer[] = []
  group.each.teardown(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })

  test('the SDK posts To, From and Body with basic auth to the Messages endpoint; the SID is the provider id', async ({
    assert,
  }) => {
    const twilio = await fakeTwilio()
    servers.push(twilio)
    const message = ticketAvailable()
    const result = await sms(twilio).deliver(
      message,
      { number: '+44 7700 900123' },
      { idempotencyKey: 'n42:c5' }
    )
    assert.deepEqual(result, { providerId: 'SM00000000000000000000000000000001' })

    assert.lengthOf(twilio.requests, 1)
    const [request] = twilio.requests
    assert.equal(request.method, 'POST')
    assert.equal(request.url, `/2010-04-01/Accounts/${SID}/Messages.json`)
    assert.equal(
      request.headers.authorization,
      `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`
    )
    assert.match(String(request.headers['content-type']), /^application\/x-www-form-urlencoded/)
    assert.match(String(request.headers['user-agent']), /^twilio-node\//)
    const form = Object.fromEntries(new URLSearchParams(request.body.toString('utf8')))
    assert.deepEqual(Object.keys(form).sort(), ['Body', 'From', 'To'])
    assert.equal(form.To, '+447700900123')
    assert.equal(form.From, FROM)
    assert.equal(form.Body, renderSms(message))
    assert.include(form.Body, 'Arsenal v Chelsea')
    assert.include(form.Body, '£85.50 ea')
    assert.include(form.Body, message.link)
  })

  test('a Messaging Service SID is sent as MessagingServiceSid instead of From', async ({
    assert,
  }) => {
    const twilio = await fakeTwilio()
    servers.push(twilio)
    const service = 'MG0123456789abcdef0123456789abcdef'
    await sms(twilio, { from: service }).deliver(
      priceAlert(),
      { number: '+14155550123' },
      { idempotencyKey: 'k' }
    )
    const form = Object.fromEntries(new URLSearchParams(twilio.requests[0].body.toString('utf8')))
    assert.equal(form.MessagingServiceSid, service)
    assert.notProperty(form, 'From')
  })

  test('short text per type, always ending with the deep link, never longer than two segments', ({
    assert,
  }) => {
    const texts = everyType().map(renderSms)
    assert.match(
      texts[0],
      /^! Tickets: Arsenal v Chelsea, 2 tickets, Section 112, row F, £85\.50 ea https:\/\//
    )
    assert.match(texts[1], /^Price: Lakers v Celtics, now \$120\.00 \(was \$150\.00\), sec 101 /)
    assert.match(
      texts[2],
      /^Bought: Yankees v Red Sox, 2 tickets, \$310\.00 total, order TE-99812 /
    )
    assert.match(texts[3], /^! Purchase failed: Yankees v Red Sox\. The listing sold/)
    assert.match(texts[4], /^Your stubhub account needs attention: /)
    assert.match(texts[5], /^! HDTickets alert: source ticketmaster: /)
    everyType().forEach((message, index) =>
      assert.isTrue(texts[index].endsWith(` ${message.link}`))
    )
    const long = buildTicketAvailable(
      { eventId: 1, eventName: 'A'.repeat(500) },
      { appUrl: APP_URL, now: NOW }
    )
    assert.isAtMost(renderSms(long).length, SMS_MAX_LENGTH)
    assert.isTrue(renderSms(long).endsWith(long.link))
  })

  test('Twilio errors: bad number and opted out are permanent (channel at fault), credentials are the operator’s, 429/5xx transient', async ({
    assert,
  }) => {
    const answers: Record<string, { status: number; body: unknown }> = {
      '+15005550001': {
        status: 400,
        body: {
          code: 21211,
          message: "The 'To' number +15005550001 is not a valid phone number.",
          more_info: 'https://www.twilio.com/docs/errors/21211',
          status: 400,
        },
      },
      '+15005550004': {
        status: 400,
        body: { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 },
      },
      '+15005550009': {
        status: 400,
        body: {
          code: 21606,
          message:
            "The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination.",
          status: 400,
        },
      },
      '+15005550010': {
        status: 429,
        body: { code: 20429, message: 'Too Many Requests', status: 429 },
      },
      '+15005550011': { status: 503, body: '<html>Service Unavailable</html>' },
    }
    const twilio = await fakeTwilio(
      (request) => answers[new URLSearchParams(request.body.toString()).get('To') ?? ''] ?? null
    )
    servers.push(twilio)
    const channel = sms(twilio)
    const send = (number: string) =>
      failure(channel.deliver(priceAlert(), { number }, { idempotencyKey: 'k' }))

    const invalid = await send('+15005550001')
    assert.instanceOf(invalid, PermanentDeliveryError)
    assert.equal(invalid.code, 'invalid_recipient')
    assert.isTrue((invalid as PermanentDeliveryError).channelAtFault)
    assert.include(invalid.message, '21211')

    const optedOut = await send('+15005550004')
    assert.equal(optedOut.code, 'recipient_opted_out')
    assert.isTrue((optedOut as PermanentDeliveryError).channelAtFault)

    const badFrom = await send('+15005550009')
    assert.instanceOf(badFrom, PermanentDeliveryError)
    assert.equal(badFrom.code, 'provider_misconfigured')
    assert.isFalse((badFrom as PermanentDeliveryError).channelAtFault)

    const limited = await send('+15005550010')
    assert.instanceOf(limited, TransientDeliveryError)
    assert.equal(limited.code, 'rate_limited')

    const down = await send('+15005550011')
    assert.instanceOf(down, TransientDeliveryError)
    assert.equal(down.status, 503)
  })

  test('wrong credentials: permanent, the operator’s problem (not the user’s channel)', async ({
    assert,
  }) => {
    const twilio = await fakeTwilio()
    servers.push(twilio)
    const error = await failure(
      sms(twilio, { authToken: 'wrong-token' }).deliver(
        priceAlert(),
        { number: '+14155550123' },
        { idempotencyKey: 'k' }
      )
    )
    assert.instanceOf(error, PermanentDeliveryError)
    assert.equal(error.code, 'provider_misconfigured')
    assert.equal(error.status, 401)
    assert.isFalse((error as PermanentDeliveryError).channelAtFault)
  })

  test('a 2xx without a SID or with garbage is transient; nothing listening is transient', async ({
    assert,
  }) => {
    const garbage = await fakeTwilio(() => ({ status: 201, body: 'this is not json' }))
    const empty = await fakeTwilio(() => ({ status: 201, body: { status: 'queued' } }))
    servers.push(garbage, empty)
    const first = await failure(
      sms(garbage).deliver(priceAlert(), { number: '+14155550123' }, { idempotencyKey: 'k' })
    )
    assert.instanceOf(first, TransientDeliveryError)
    assert.equal(first.code, 'provider_garbage')
    const second = await failure(
      sms(empty).deliver(priceAlert(), { number: '+14155550123' }, { idempotencyKey: 'k' })
    )
    assert.equal(second.code, 'provider_garbage')

    const channel = new SmsChannel({
      accountSid: SID,
      authToken: TOKEN,
      from: FROM,
      apiBase: `http://127.0.0.1:${await closedPort()}`,
      timeoutMs: 2_000,
    })
    const refused = await failure(
      channel.deliver(priceAlert(), { number: '+14155550123' }, { idempotencyKey: 'k' })
    )
    assert.instanceOf(refused, TransientDeliveryError)
    assert.equal(refused.code, 'network_error')
  })

  test('not configured on this server: permanent, not the channel’s fault; numbers must be E.164 (field named)', async ({
    assert,
  }) => {
    const unconfigured = new SmsChannel({ accountSid: null, authToken: null, from: null })
    assert.isFalse(unconfigured.configured)
    const error = await failure(
      unconfigured.deliver(priceAlert(), { number: '+14155550123' }, { idempotencyKey: 'k' })
    )
    assert.equal(error.code, 'provider_not_configured')
    assert.isFalse((error as PermanentDeliveryError).channelAtFault)

    assert.deepEqual(await unconfigured.validateConfig({ number: '+1 (415) 555-0123' }), {
      ok: true,
      config: { number: '+14155550123' },
    })
    for (const number of [
      '4155550123',
      '0044 7700 900123',
      '+0447700900123',
      '+1 415 CALL NOW',
      '+1234',
      '+1234567890123456',
      14155550123,
    ]) {
      const result = await unconfigured.validateConfig({ number })
      assert.isFalse(result.ok, String(number))
      if (!result.ok)
        assert.deepEqual(
          [result.errors[0].field, result.errors[0].code],
          ['number', 'E_INVALID_PHONE'],
          String(number)
        )
    }
    const missing = await unconfigured.validateConfig({ number: ' ' })
    assert.deepEqual(missing.ok ? null : [missing.errors[0].field, missing.errors[0].code], [
      'number',
      'E_REQUIRED',
    ])
  })
})
