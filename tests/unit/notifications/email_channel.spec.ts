import { test } from '@japa/runner'
import emitter from '@adonisjs/core/services/emitter'
import { Mailer } from '@adonisjs/mail'
import { SMTPTransport } from '@adonisjs/mail/transports/smtp'
import EmailChannel from '#notifications/channels/email_channel'
import { PermanentDeliveryError, TransientDeliveryError } from '#notifications/errors'
import { buildDigest } from '#notifications/digests'
import { closedPort, startSmtpServer } from './helpers/servers.js'
import type { LocalSmtpServer } from './helpers/servers.js'
import { leafParts, parseMime } from './helpers/mime.js'
import { APP_URL, NOW, everyType, priceAlert, ticketAvailable } from './helpers/messages.js'

/** The mailer as the app builds it (@adonisjs/mail's Mailer around its SMTP transport), pointed at the test's server. */
function smtpMailer(port: number) {
  return new Mailer(
    'smtp',
    new SMTPTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
      connectionTimeout: 3_000,
    }),
    emitter as any,
    {}
  )
}

function emailChannel(port: number) {
  const mailer = smtpMailer(port)
  return {
    channel: new EmailChannel({
      mailer: () => mailer,
      from: { address: 'alerts@tickets.example.org', name: 'HDTickets' },
      messageIdDomain: 'tickets.example.org',
    }),
    mailer,
  }
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    return error as PermanentDeliveryError | TransientDeliveryError
  }
  throw new Error('expected a failure')
}

test.group('Email channel (real SMTP server)', (group) => {
  let smtp: LocalSmtpServer
  group.each.setup(async () => {
    smtp = await startSmtpServer()
    return () => smtp.close()
  })

  test('sends to the recipient with the subject, an HTML and a plain-text part, and a deterministic Message-ID', async ({
    assert,
  }) => {
    const { channel, mailer } = emailChannel(smtp.port)
    const message = ticketAvailable()
    const result = await channel.deliver(
      message,
      { address: 'fan@example.com', name: 'Sam Fan' },
      { idempotencyKey: 'n42:c2' }
    )
    await mailer.close()

    assert.lengthOf(smtp.messages, 1)
    const [mail] = smtp.messages
    assert.equal(mail.from, 'alerts@tickets.example.org')
    assert.deepEqual(mail.recipients, ['fan@example.com'])

    const parsed = parseMime(mail.raw)
    assert.equal(parsed.headers.subject, '[Urgent] Tickets available: Arsenal v Chelsea')
    assert.include(parsed.headers.to, 'fan@example.com')
    assert.include(parsed.headers.from, 'alerts@tickets.example.org')
    assert.equal(parsed.headers['x-hdtickets-type'], 'ticket_available')
    assert.equal(parsed.headers['x-hdtickets-delivery'], 'n42:c2')
    assert.equal(parsed.headers['message-id'], channel.messageIdFor('n42:c2'))
    assert.equal(result.providerId, channel.messageIdFor('n42:c2'))
    assert.match(parsed.contentType, /^multipart\/alternative/)

    const parts = leafParts(parsed)
    const text = parts.find((part) => part.contentType.startsWith('text/plain'))!
    const html = parts.find((part) => part.contentType.startsWith('text/html'))!
    assert.exists(text, 'plain-text part')
    assert.exists(html, 'HTML part')
    for (const expected of [
      'Arsenal v Chelsea',
      'Section: 112',
      'Row: F',
      'Quantity: 2',
      'Price: £85.50 each',
      'Listing: 9001',
      `See the listing: ${message.link}`,
    ]) {
      assert.include(text.body, expected)
    }
    assert.include(
      html.body,
      '<td style="padding:4px 0;color:#202124;font-weight:600">£85.50 each</td>'
    )
    assert.include(html.body, `href="${message.link}"`)
    assert.include(html.body, 'See the listing')
  })

  test('a retry reuses the Message-ID (mail clients show it once); another delivery gets another', async ({
    assert,
  }) => {
    const { channel, mailer } = emailChannel(smtp.port)
    await channel.deliver(
      priceAlert(),
      { address: 'fan@example.com' },
      { idempotencyKey: 'n43:c2' }
    )
    await channel.deliver(
      priceAlert(),
      { address: 'fan@example.com' },
      { idempotencyKey: 'n43:c2' }
    )
    await channel.deliver(
      priceAlert(),
      { address: 'fan@example.com' },
      { idempotencyKey: 'n43:c9' }
    )
    await mailer.close()
    const ids = smtp.messages.map((mail) => parseMime(mail.raw).headers['message-id'])
    assert.equal(ids[0], ids[1])
    assert.notEqual(ids[0], ids[2])
  })

  test('every type renders both parts with its facts and link; HTML escapes event text', async ({
    assert,
  }) => {
    const { channel, mailer } = emailChannel(smtp.port)
    const messages = everyType()
    messages[5].body = 'Challenge <script>alert(1)</script> page'
    for (const [index, message] of messages.entries()) {
      await channel.deliver(
        message,
        { address: 'ops@example.com' },
        { idempotencyKey: `n${index}:c1` }
      )
    }
    await mailer.close()
    assert.lengthOf(smtp.messages, 6)
    for (const [index, mail] of smtp.messages.entries()) {
      const parsed = parseMime(mail.raw)
      const parts = leafParts(parsed)
      const text = parts.find((part) => part.contentType.startsWith('text/plain'))!.body
      const html = parts.find((part) => part.contentType.startsWith('text/html'))!.body
      assert.include(parsed.headers.subject, messages[index].title)
      assert.include(text, messages[index].link)
      assert.include(html, messages[index].link)
    }
    const purchase = leafParts(parseMime(smtp.messages[2].raw)).find((part) =>
      part.contentType.startsWith('text/plain')
    )!.body
    assert.include(purchase, 'Total: $310.00')
    assert.include(purchase, 'Order: TE-99812')
    const system = leafParts(parseMime(smtp.messages[5].raw)).find((part) =>
      part.contentType.startsWith('text/html')
    )!.body
    assert.include(system, 'Challenge &lt;script&gt;alert(1)&lt;/script&gt; page')
    assert.notInclude(system, '<script>')
  })

  test('a digest email lists each batched item with its link', async ({ assert }) => {
    const { channel, mailer } = emailChannel(smtp.port)
    const digest = buildDigest([priceAlert('low'), ticketAvailable({ priority: 'low' })], {
      appUrl: APP_URL,
      now: NOW,
    })!
    await channel.deliver(digest, { address: 'fan@example.com' }, { idempotencyKey: 'digest:c2:1' })
    await mailer.close()
    const parsed = parseMime(smtp.messages[0].raw)
    assert.equal(parsed.headers.subject, '2 updates from HDTickets')
    const text = leafParts(parsed).find((part) => part.contentType.startsWith('text/plain'))!.body
    assert.include(text, '- Price drop: Lakers v Celtics')
    assert.include(text, 'https://tickets.example.org/events/31?listing=9001')
  })

  test('a rejected recipient (550) is permanent and the channel is at fault; greylisting (451) is transient', async ({
    assert,
  }) => {
    const { channel, mailer } = emailChannel(smtp.port)
    const bounced = await failure(
      channel.deliver(priceAlert(), { address: 'bounce@example.com' }, { idempotencyKey: 'k1' })
    )
    assert.instanceOf(bounced, PermanentDeliveryError)
    assert.equal(bounced.code, 'invalid_recipient')
    assert.equal(bounced.status, 550)
    assert.isTrue((bounced as PermanentDeliveryError).channelAtFault)

    const later = await failure(
      channel.deliver(priceAlert(), { address: 'later@example.com' }, { idempotencyKey: 'k2' })
    )
    assert.instanceOf(later, TransientDeliveryError)
    assert.equal(later.code, 'smtp_deferred')
    assert.equal(later.status, 451)
    await mailer.close()
    assert.lengthOf(smtp.messages, 0)
  })

  test('no mail server listening: transient', async ({ assert }) => {
    const { channel, mailer } = emailChannel(await closedPort())
    const error = await failure(
      channel.deliver(priceAlert(), { address: 'fan@example.com' }, { idempotencyKey: 'k' })
    )
    assert.instanceOf(error, TransientDeliveryError)
    assert.equal(error.code, 'smtp_unreachable')
    await mailer.close()
  })

  test('config validation names the field', async ({ assert }) => {
    const { channel } = emailChannel(smtp.port)
    assert.deepEqual(await channel.validateConfig({ address: ' Fan@Example.COM ' }), {
      ok: true,
      config: { address: 'Fan@example.com', name: null },
    })
    for (const address of [
      'fan',
      'fan@',
      '@example.com',
      'fan@example',
      'fan example@x.com',
      'a..b@example.com',
      'fan@exa mple.com',
      42,
    ]) {
      const result = await channel.validateConfig({ address })
      assert.isFalse(result.ok, String(address))
      if (!result.ok)
        assert.deepEqual(
          [result.errors[0].field, result.errors[0].code],
          ['address', 'E_INVALID_EMAIL'],
          String(address)
        )
    }
    const missing = await channel.validateConfig({})
    assert.deepEqual(missing.ok ? null : [missing.errors[0].field, missing.errors[0].code], [
      'address',
      'E_REQUIRED',
    ])
    const notObject = await channel.validateConfig('fan@example.com')
    assert.deepEqual(notObject.ok ? null : notObject.errors[0].field, 'config')
  })
})
