import { test } from '@japa/runner'
import { SsrfGuard } from '#security/ssrf_guard'
import { GuardedPoster } from '#notifications/channels/http_post'
import SlackChannel from '#notifications/channels/slack_channel'
import DiscordChannel from '#notifications/channels/discord_channel'
import { PermanentDeliveryError, TransientDeliveryError } from '#notifications/errors'
import { buildSystemAlert } from '#notifications/message'
import { buildDigest } from '#notifications/digests'
import { startHttpServer } from './helpers/servers.js'
import type { LocalServer } from './helpers/servers.js'
import { APP_URL, NOW, priceAlert, ticketAvailable } from './helpers/messages.js'

const SLACK_PATH = '/services/T0001/B0002/abcDEF123'
const DISCORD_PATH = '/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwxyz_-0123'

function poster(allowPrivate: boolean) {
  const guard = new SsrfGuard({
    allowPrivate,
    resolve: async () => [{ address: '35.190.1.1', family: 4 }],
  })
  return new GuardedPoster({
    guard,
    allowHttp: allowPrivate,
    timeoutMs: 5_000,
    userAgent: 'HDTickets/0.1.0 (+https://tickets.example.org)',
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

test.group('Slack channel', (group) => {
  const servers: LocalServer[] = []
  group.each.teardown(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })

  test('posts Slack incoming-webhook JSON: fallback text plus header, section, fields and a link button', async ({
    assert,
  }) => {
    const slack = await startHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' })
      response.end('ok')
    })
    servers.push(slack)
    const channel = new SlackChannel(poster(true), { anyHost: true })
    const message = ticketAvailable()
    const result = await channel.deliver(
      message,
      { url: `${slack.url}${SLACK_PATH}` },
      { idempotencyKey: 'n42:c3' }
    )
    assert.deepEqual(result, { providerId: null })

    const [request] = slack.requests
    assert.equal(request.url, SLACK_PATH)
    const payload = JSON.parse(request.body.toString())
    assert.sameMembers(Object.keys(payload), ['text', 'blocks'])
    assert.include(payload.text, 'Tickets available: Arsenal v Chelsea')
    assert.deepEqual(
      payload.blocks.map((block: { type: string }) => block.type),
      ['header', 'section', 'section', 'actions', 'context']
    )
    assert.deepEqual(payload.blocks[0].text, {
      type: 'plain_text',
      text: 'Tickets available: Arsenal v Chelsea',
      emoji: true,
    })
    const fields = payload.blocks[2].fields.map((field: { text: string }) => field.text)
    assert.includeMembers(fields, ['*Section*\n112', '*Quantity*\n2', '*Price*\n£85.50 each'])
    assert.equal(payload.blocks[3].elements[0].type, 'button')
    assert.equal(payload.blocks[3].elements[0].url, message.link)
  })

  test('mrkdwn control characters in event names are escaped', async ({ assert }) => {
    const slack = await startHttpServer((_request, response) => {
      response.end('ok')
    })
    servers.push(slack)
    const channel = new SlackChannel(poster(true), { anyHost: true })
    const message = buildSystemAlert(
      { component: 'source <!channel>', detail: 'A & B <@U123>' },
      { appUrl: APP_URL, now: NOW }
    )
    await channel.deliver(message, { url: `${slack.url}${SLACK_PATH}` }, { idempotencyKey: 'k' })
    const payload = JSON.parse(slack.requests[0].body.toString())
    assert.include(payload.blocks[1].text.text, 'A &amp; B &lt;@U123&gt;')
    // mrkdwn fields (the fallback text, sections, fields) never carry a live mention; plain_text is not parsed
    assert.include(payload.text, 'source &lt;!channel&gt;')
    const mrkdwn = JSON.stringify([
      payload.text,
      payload.blocks.filter((block: { type: string }) => block.type !== 'header'),
    ])
    assert.notInclude(mrkdwn, '<!channel>')
    assert.notInclude(mrkdwn, '<@U123>')
    assert.equal(payload.blocks[0].text.type, 'plain_text')
  })

  test('revoked webhooks are permanent, our bad payload is not the channel’s fault, 429 and 5xx transient', async ({
    assert,
  }) => {
    const channel = new SlackChannel(poster(true), { anyHost: true })
    const cases: Array<[number, string, 'permanent' | 'transient', string, boolean | null]> = [
      [404, 'no_service', 'permanent', 'no_service', true],
      [410, 'channel_is_archived', 'permanent', 'channel_is_archived', true],
      [403, 'invalid_token', 'permanent', 'invalid_token', true],
      [400, 'invalid_payload', 'permanent', 'invalid_payload', false],
      [429, 'rate_limited', 'transient', 'rate_limited', null],
      [500, 'rollup_error', 'transient', 'rollup_error', null],
    ]
    for (const [status, body, kind, code, atFault] of cases) {
      const slack = await startHttpServer((_request, response) => {
        response.writeHead(status)
        response.end(body)
      })
      servers.push(slack)
      const error = await failure(
        channel.deliver(priceAlert(), { url: `${slack.url}${SLACK_PATH}` }, { idempotencyKey: 'k' })
      )
      assert.instanceOf(
        error,
        kind === 'permanent' ? PermanentDeliveryError : TransientDeliveryError,
        `${status}`
      )
      assert.equal(error.code, code)
      if (atFault !== null)
        assert.equal((error as PermanentDeliveryError).channelAtFault, atFault, `${status}`)
      // The webhook token never shows in the error
      assert.notInclude(error.message, 'abcDEF123')
    }
  })

  test('only Slack webhook URLs are accepted; errors name the field', async ({ assert }) => {
    const channel = new SlackChannel(poster(false))
    const good = await channel.validateConfig({
      url: 'https://hooks.slack.com/services/T0001/B0002/abcDEF123',
    })
    assert.deepEqual(good, {
      ok: true,
      config: { url: 'https://hooks.slack.com/services/T0001/B0002/abcDEF123' },
    })
    const insecure = await channel.validateConfig({
      url: 'http://hooks.slack.com/services/T0001/B0002/abcDEF123',
    })
    assert.deepEqual(insecure.ok ? null : [insecure.errors[0].field, insecure.errors[0].code], [
      'url',
      'E_INSECURE_URL',
    ])
    for (const url of [
      'https://hooks.slack.com/services/T0001/B0002',
      'https://evil.example/services/T0001/B0002/abcDEF123',
      'https://hooks.slack.com/services/T0001/B0002/abc?x=1',
      'slack please',
    ]) {
      const result = await channel.validateConfig({ url })
      assert.isFalse(result.ok, url)
      if (!result.ok)
        assert.deepEqual(
          [result.errors[0].field, result.errors[0].code],
          ['url', 'E_INVALID_SLACK_URL'],
          url
        )
    }
    const missing = await channel.validateConfig({})
    assert.deepEqual(missing.ok ? null : missing.errors[0], {
      field: 'url',
      code: 'E_REQUIRED',
      message: 'Enter the Slack webhook URL',
    })
  })
})

test.group('Discord channel', (group) => {
  const servers: LocalServer[] = []
  group.each.teardown(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })

  test('posts {content, embeds} with ?wait=true and returns the created message id', async ({
    assert,
  }) => {
    const discord = await startHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ id: '1100000000000000001', type: 0, content: 'x' }))
    })
    servers.push(discord)
    const channel = new DiscordChannel(poster(true), { anyHost: true })
    const message = ticketAvailable()
    const result = await channel.deliver(
      message,
      { url: `${discord.url}${DISCORD_PATH}` },
      { idempotencyKey: 'n42:c4' }
    )
    assert.deepEqual(result, { providerId: '1100000000000000001' })

    const [request] = discord.requests
    assert.equal(request.url, `${DISCORD_PATH}?wait=true`)
    const payload = JSON.parse(request.body.toString())
    assert.includeMembers(Object.keys(payload), ['content', 'embeds', 'allowed_mentions'])
    assert.deepEqual(payload.allowed_mentions, { parse: [] })
    assert.include(payload.content, 'Tickets available: Arsenal v Chelsea')
    assert.lengthOf(payload.embeds, 1)
    const [embed] = payload.embeds
    assert.equal(embed.title, message.title)
    assert.equal(embed.url, message.link)
    assert.equal(embed.timestamp, message.createdAt)
    assert.equal(embed.color, 0xd93025)
    const fields = Object.fromEntries(
      embed.fields.map((field: { name: string; value: string }) => [field.name, field.value])
    )
    assert.containsSubset(fields, { Section: '112', Row: 'F', Quantity: '2', Price: '£85.50 each' })
  })

  test('a digest lists its items as links in the embed', async ({ assert }) => {
    const discord = await startHttpServer((_request, response) => {
      response.writeHead(204)
      response.end()
    })
    servers.push(discord)
    const channel = new DiscordChannel(poster(true), { anyHost: true })
    const digest = buildDigest([priceAlert('low'), ticketAvailable({ priority: 'low' })], {
      appUrl: APP_URL,
      now: NOW,
    })!
    const result = await channel.deliver(
      digest,
      { url: `${discord.url}${DISCORD_PATH}` },
      { idempotencyKey: 'k' }
    )
    assert.deepEqual(result, { providerId: null })
    const embed = JSON.parse(discord.requests[0].body.toString()).embeds[0]
    assert.equal(embed.title, '2 updates from HDTickets')
    assert.include(embed.description, '(https://tickets.example.org/events/5?listing=L-1)')
    assert.deepEqual(embed.fields, [])
  })

  test('unknown webhook (404) and bad token (401) are permanent; 429 keeps retry_after', async ({
    assert,
  }) => {
    const channel = new DiscordChannel(poster(true), { anyHost: true })
    const answers: Array<[number, object]> = [
      [404, { message: 'Unknown Webhook', code: 10015 }],
      [401, { message: 'Invalid Webhook Token', code: 50027 }],
      [429, { message: 'You are being rate limited.', retry_after: 1.5, global: false }],
    ]
    const errors = []
    for (const [status, body] of answers) {
      const discord = await startHttpServer((_request, response) => {
        response.writeHead(status, { 'content-type': 'application/json' })
        response.end(JSON.stringify(body))
      })
      servers.push(discord)
      errors.push(
        await failure(
          channel.deliver(
            priceAlert(),
            { url: `${discord.url}${DISCORD_PATH}` },
            { idempotencyKey: 'k' }
          )
        )
      )
    }
    assert.instanceOf(errors[0], PermanentDeliveryError)
    assert.equal(errors[0].code, 'webhook_gone')
    assert.isTrue((errors[0] as PermanentDeliveryError).channelAtFault)
    assert.instanceOf(errors[1], PermanentDeliveryError)
    assert.equal(errors[1].code, 'webhook_token_invalid')
    assert.instanceOf(errors[2], TransientDeliveryError)
    assert.equal((errors[2] as TransientDeliveryError).retryAfterMs, 1500)
    for (const error of errors) assert.notInclude(error.message, 'abcdefghijklmnopqrstuvwxyz')
  })

  test('only Discord webhook URLs are accepted; errors name the field', async ({ assert }) => {
    const channel = new DiscordChannel(poster(false))
    const good = await channel.validateConfig({ url: `https://discord.com${DISCORD_PATH}` })
    assert.deepEqual(good, { ok: true, config: { url: `https://discord.com${DISCORD_PATH}` } })
    assert.isTrue(
      (await channel.validateConfig({ url: `https://discordapp.com${DISCORD_PATH}` })).ok
    )
    const insecure = await channel.validateConfig({ url: `http://discord.com${DISCORD_PATH}` })
    assert.deepEqual(insecure.ok ? null : [insecure.errors[0].field, insecure.errors[0].code], [
      'url',
      'E_INSECURE_URL',
    ])
    for (const url of [
      'https://discord.com/api/webhooks/123/abc',
      `https://discord.example${DISCORD_PATH}`,
      'https://discord.com/channels/1/2',
    ]) {
      const result = await channel.validateConfig({ url })
      assert.isFalse(result.ok, url)
      if (!result.ok)
        assert.deepEqual(
          [result.errors[0].field, result.errors[0].code],
          ['url', 'E_INVALID_DISCORD_URL'],
          url
        )
    }
  })
})
