import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import type User from '#models/user'
import { createUser } from '#tests/helpers/users'
import {
  clearNotifications,
  storeChannel,
  TWILIO_FROM,
  TWILIO_SID,
  useLocalPeers,
} from '#tests/helpers/notifications'
import {
  startHttpServer,
  startHttpsServer,
  startSmtpServer,
  type LocalServer,
} from '#tests/unit/notifications/helpers/servers'
import {
  browserSubscription,
  decryptAes128gcm,
} from '#tests/unit/notifications/helpers/push_crypto'
import { createWorker } from '#services/embedded_worker'
import { verifySignature } from '#notifications/signature'
import { buildPriceAlert, buildTicketAvailable } from '#notifications/message'
import { createNotifications } from '#notifications/create_notifications'
import { deliverDue, SENDING_LEASE_MS } from '#notifications/delivery'
import { runEscalations } from '#notifications/escalation_runner'
import { sendDigests } from '#notifications/digest_sender'
import { sweepNotifications } from '#notifications/notification_sweep'
import { markRead } from '#notifications/inbox'
import { savePreferences } from '#notifications/preferences_store'
import { announcePurchase } from '#purchasing/purchase_events'
import { dbTime } from '#purchasing/sql'
import { waitFor } from '#tests/helpers/wait'

const SECRET = 'whsec_test_secret_0123456789abcdef'
const APP_URL = 'http://localhost:3333'

function ticketMessage(now: Date, priority?: 'low' | 'normal' | 'high') {
  return buildTicketAvailable(
    {
      eventId: 1,
      eventName: 'Lakers vs Celtics',
      section: '112',
      row: 'F',
      quantity: 2,
      priceMinor: 8500,
      currency: 'USD',
      platform: 'sandbox',
    },
    { appUrl: APP_URL, now, ...(priority ? { priority } : {}) }
  )
}

function priceMessage(now: Date, priceMinor: number) {
  return buildPriceAlert(
    { eventId: 1, eventName: 'Lakers vs Celtics', priceMinor, currency: 'USD' },
    { appUrl: APP_URL, now, priority: 'low' }
  )
}

/** A webhook receiver that checks every signature; `answers` are the statuses of successive requests (then 200). */
async function webhookReceiver(answers: number[] = []) {
  const verified: boolean[] = []
  const server = await startHttpServer((request, response) => {
    verified.push(verifySignature(request.headers['hdtickets-signature'], request.body, SECRET).ok)
    const status = answers.shift() ?? 200
    response.writeHead(status, { 'x-request-id': `req-${server.requests.length}` })
    response.end(status === 200 ? 'ok' : 'unavailable')
  })
  return { server, verified }
}

async function fakeTwilio(): Promise<LocalServer> {
  let counter = 0
  return startHttpServer((request, response) => {
    const form = new URLSearchParams(request.body.toString('utf8'))
    counter++
    response.writeHead(201, { 'content-type': 'application/json' })
    response.end(
      JSON.stringify({
        sid: `SM${String(counter).padStart(32, '0')}`,
        account_sid: TWILIO_SID,
        to: form.get('To'),
        from: form.get('From'),
        body: form.get('Body'),
        status: 'queued',
      })
    )
  })
}

async function deliveries(notificationId: number) {
  return db.from('notification_deliveries').where('notification_id', notificationId).orderBy('id')
}

test.group(
  `Notification delivery (${env.get('DB_CONNECTION', 'sqlite')}, ${env.get('QUEUE_DRIVER', 'database')} queue)`,
  (group) => {
    let user: User
    const closers: Array<() => Promise<unknown>> = []
    group.each.setup(async () => {
      await clearNotifications()
      user = await createUser('member')
      return async () => {
        while (closers.length) await closers.pop()!()
      }
    })

    test('a queued job delivers over email, SMS, web push and a signed webhook, and logs every attempt', async ({
      assert,
    }) => {
      const smtp = await startSmtpServer()
      const twilio = await fakeTwilio()
      const receiver = await webhookReceiver()
      const browser = browserSubscription('')
      const payloads: any[] = []
      const push = await startHttpsServer((request, response) => {
        payloads.push(JSON.parse(decryptAes128gcm(request.body, browser.ecdh, browser.auth)))
        response.writeHead(201, { location: `/m/${payloads.length}` })
        response.end()
      })
      const peers = useLocalPeers({ smtpPort: smtp.port, twilioUrl: twilio.url })
      closers.push(
        () => smtp.close(),
        () => twilio.close(),
        () => receiver.server.close(),
        () => push.close(),
        () => peers.close()
      )

      await storeChannel(user.id, 'email', { address: 'fan@example.test' })
      await storeChannel(user.id, 'sms', { number: '+14155550123' })
      await storeChannel(user.id, 'webpush', {
        ...browser.subscription,
        endpoint: `${push.url}/push/abc`,
      })
      await storeChannel(user.id, 'webhook', { url: `${receiver.server.url}/hook`, secret: SECRET })

      const worker = await createWorker()
      closers.push(() => worker.stop())
      worker.start(['notifications']).catch(() => {})

      const [created] = await createNotifications([
        { userId: user.id, message: ticketMessage(new Date()) },
      ])
      const done = await waitFor(async () =>
        (await deliveries(created.id)).every((row) => row.status === 'sent')
      )
      assert.isTrue(done, JSON.stringify(await deliveries(created.id)))

      const rows = await deliveries(created.id)
      assert.sameMembers(
        rows.map((row) => row.channel_kind),
        ['inapp', 'email', 'sms', 'webpush', 'webhook']
      )
      assert.equal(smtp.messages.length, 1)
      assert.deepEqual(smtp.messages[0].recipients, ['fan@example.test'])
      assert.include(smtp.messages[0].raw, 'Lakers vs Celtics')
      assert.equal(
        twilio.requests.length,
        1,
        `one SMS expected; got ${JSON.stringify(twilio.requests.map((r: any) => r.body.toString('utf8')))} after attempts ${JSON.stringify(await db.from('notification_attempts'))}`
      )
      const form = new URLSearchParams(twilio.requests[0].body.toString('utf8'))
      assert.equal(form.get('From'), TWILIO_FROM)
      assert.equal(form.get('To'), '+14155550123')
      assert.equal(payloads.length, 1)
      assert.match(payloads[0].title, /Lakers vs Celtics/)
      assert.equal(receiver.server.requests.length, 1)
      assert.deepEqual(receiver.verified, [true])
      const body = JSON.parse(receiver.server.requests[0].body.toString('utf8'))
      assert.equal(
        body.id,
        `n${created.id}:c${rows.find((row) => row.channel_kind === 'webhook')!.channel_id}`
      )
      assert.equal(receiver.server.requests[0].headers['idempotency-key'], body.id)

      const attempts = await db.from('notification_attempts').whereIn(
        'delivery_id',
        rows.map((row) => row.id)
      )
      assert.lengthOf(attempts, 4, 'one attempt per external channel (in-app needs none)')
      for (const attempt of attempts) {
        assert.equal(attempt.status, 'sent')
        assert.isAtLeast(Number(attempt.latency_ms), 0)
      }
      const providerIds = attempts.map((attempt) => attempt.provider_id)
      assert.include(providerIds, 'SM00000000000000000000000000000001')
      assert.include(providerIds, 'req-1')
      const inbox = await db.from('notifications').where('user_id', user.id)
      assert.lengthOf(inbox, 1)
      assert.isNull(inbox[0].read_at)
    }).timeout(40_000)

    test('transient failures retry on the backoff schedule (controlled clock); every attempt is logged', async ({
      assert,
    }) => {
      const receiver = await webhookReceiver([503, 503])
      const peers = useLocalPeers()
      closers.push(
        () => receiver.server.close(),
        () => peers.close()
      )
      const channelId = await storeChannel(user.id, 'webhook', {
        url: `${receiver.server.url}/hook`,
        secret: SECRET,
      })
      const t0 = new Date('2026-11-24T12:00:00Z')
      const [created] = await createNotifications(
        [{ userId: user.id, message: ticketMessage(t0) }],
        { now: t0 }
      )

      const first = await deliverDue(created.id, t0)
      assert.equal(first[0].outcome, 'retry')
      const firstDelay = (first[0] as { delayMs: number }).delayMs
      assert.closeTo(firstDelay, 30_000, 3_000)
      assert.deepEqual(
        await deliverDue(created.id, new Date(t0.getTime() + 10_000)),
        [],
        'not due before the retry time'
      )

      const t1 = new Date(t0.getTime() + firstDelay + 1_000)
      const second = await deliverDue(created.id, t1)
      assert.equal(second[0].outcome, 'retry')
      const secondDelay = (second[0] as { delayMs: number }).delayMs
      assert.closeTo(secondDelay, 120_000, 12_000)

      const third = await deliverDue(created.id, new Date(t1.getTime() + secondDelay + 1_000))
      assert.equal(third[0].outcome, 'sent')
      const delivery = (await deliveries(created.id)).find((row) => row.channel_id !== null)!
      assert.equal(delivery.status, 'sent')
      assert.equal(Number(delivery.attempts), 3)
      const attempts = await db
        .from('notification_attempts')
        .where('delivery_id', delivery.id)
        .orderBy('attempt')
      assert.deepEqual(
        attempts.map((row) => row.status),
        ['transient', 'transient', 'sent']
      )
      assert.deepEqual(
        attempts.map((row) => row.error_code),
        ['http_503', 'http_503', null]
      )
      // Every retry carries the same delivery id, so the receiver can de-duplicate
      const ids = receiver.server.requests.map(
        (request) => JSON.parse(request.body.toString('utf8')).id
      )
      assert.deepEqual(ids, [
        delivery.idempotency_key,
        delivery.idempotency_key,
        delivery.idempotency_key,
      ])
      const channel = await db.from('notification_channels').where('id', channelId).first()
      assert.equal(Number(channel.consecutive_failures), 0, 'a success ends the failure run')
    })

    test('a retried job never sends twice; a send whose worker died is retried with the same idempotency key', async ({
      assert,
    }) => {
      const receiver = await webhookReceiver()
      const peers = useLocalPeers()
      closers.push(
        () => receiver.server.close(),
        () => peers.close()
      )
      await storeChannel(user.id, 'webhook', { url: `${receiver.server.url}/hook`, secret: SECRET })
      const now = new Date()
      const [created] = await createNotifications(
        [{ userId: user.id, message: ticketMessage(now) }],
        { now }
      )

      const [a, b] = await Promise.all([deliverDue(created.id, now), deliverDue(created.id, now)])
      assert.equal(a.length + b.length, 1, 'two runs at once: one claims, one skips')
      assert.deepEqual(
        await deliverDue(created.id, now),
        [],
        'a job run again after success sends nothing'
      )
      assert.lengthOf(receiver.server.requests, 1)

      // A worker killed mid-send leaves the delivery "sending"; once its lease lapses it is sent again, same key.
      const delivery = (await deliveries(created.id)).find((row) => row.channel_id !== null)!
      const stale = new Date(now.getTime() - SENDING_LEASE_MS - 60_000)
      await db
        .from('notification_deliveries')
        .where('id', delivery.id)
        .update({ status: 'sending', updated_at: dbTime(db.connection(), stale) })
      const retried = await deliverDue(created.id, now)
      assert.equal(retried[0].outcome, 'sent')
      assert.lengthOf(receiver.server.requests, 2)
      const keys = receiver.server.requests.map((request) => request.headers['idempotency-key'])
      assert.deepEqual(keys, [delivery.idempotency_key, delivery.idempotency_key])
    })

    test('a permanent failure stops, disables the endpoint and tells the owner in-app', async ({
      assert,
    }) => {
      const receiver = await webhookReceiver([400])
      const peers = useLocalPeers()
      closers.push(
        () => receiver.server.close(),
        () => peers.close()
      )
      const channelId = await storeChannel(user.id, 'webhook', {
        url: `${receiver.server.url}/hook`,
        secret: SECRET,
      })
      const now = new Date()
      const [created] = await createNotifications(
        [{ userId: user.id, message: ticketMessage(now) }],
        { now }
      )
      const [outcome] = await deliverDue(created.id, now)
      assert.equal(outcome.outcome, 'failed')
      const channel = await db.from('notification_channels').where('id', channelId).first()
      assert.isNotNull(channel.disabled_at)
      assert.match(channel.disabled_reason, /HTTP 400/)
      const told = await db.from('notifications').where({ user_id: user.id, type: 'account_issue' })
      assert.lengthOf(told, 1)
      assert.match(told[0].title, /webhook channel/)
      const toldDeliveries = await deliveries(told[0].id)
      assert.deepEqual(
        toldDeliveries.map((row) => row.channel_kind),
        ['inapp'],
        'the owner is told in-app only'
      )

      // The next notification skips the disabled channel
      const [next] = await createNotifications([{ userId: user.id, message: ticketMessage(now) }], {
        now,
      })
      assert.deepEqual(
        (await deliveries(next.id)).map((row) => row.channel_kind),
        ['inapp']
      )
      await deliverDue(next.id, now)
      assert.lengthOf(receiver.server.requests, 1)
    })

    test('a push subscription the service says is gone (410) is removed', async ({ assert }) => {
      const browser = browserSubscription('')
      const push = await startHttpsServer((_request, response) => {
        response.writeHead(410)
        response.end('push subscription has unsubscribed or expired.')
      })
      const peers = useLocalPeers()
      closers.push(
        () => push.close(),
        () => peers.close()
      )
      const channelId = await storeChannel(user.id, 'webpush', {
        ...browser.subscription,
        endpoint: `${push.url}/push/gone`,
      })
      const now = new Date()
      const [created] = await createNotifications(
        [{ userId: user.id, message: ticketMessage(now) }],
        { now }
      )
      const [outcome] = await deliverDue(created.id, now)
      assert.equal(outcome.outcome, 'failed')
      assert.isNull(await db.from('notification_channels').where('id', channelId).first())
      assert.lengthOf(
        await db.from('notifications').where({ user_id: user.id, type: 'account_issue' }),
        1
      )
    })

    test('a long run of transient failures disables the endpoint', async ({ assert }) => {
      const receiver = await webhookReceiver([503])
      const peers = useLocalPeers()
      closers.push(
        () => receiver.server.close(),
        () => peers.close()
      )
      const channelId = await storeChannel(user.id, 'webhook', {
        url: `${receiver.server.url}/hook`,
        secret: SECRET,
      })
      const now = new Date('2026-11-24T12:00:00Z')
      // 23 failures so far, failing for 7 hours: the 24th disables it.
      await db
        .from('notification_channels')
        .where('id', channelId)
        .update({
          consecutive_failures: 23,
          failing_since: dbTime(db.connection(), new Date(now.getTime() - 7 * 3_600_000)),
        })
      const [created] = await createNotifications(
        [{ userId: user.id, message: ticketMessage(now) }],
        { now }
      )
      const [outcome] = await deliverDue(created.id, now)
      assert.equal(outcome.outcome, 'retry')
      const channel = await db.from('notification_channels').where('id', channelId).first()
      assert.equal(Number(channel.consecutive_failures), 24)
      assert.isNotNull(channel.disabled_at)
      assert.match(channel.disabled_reason, /24 failed deliveries/)
      assert.lengthOf(
        await db.from('notifications').where({ user_id: user.id, type: 'account_issue' }),
        1
      )
      // The queued retry is then skipped: nothing more goes to a disabled endpoint
      const later = await deliverDue(created.id, new Date(now.getTime() + 3_600_000))
      assert.equal(later[0].outcome, 'skipped')
      assert.lengthOf(receiver.server.requests, 1)
    })

    test('quiet hours in the user’s time zone hold a normal-priority delivery until they end', async ({
      assert,
    }) => {
      const receiver = await webhookReceiver()
      const smtp = await startSmtpServer()
      const peers = useLocalPeers({ smtpPort: smtp.port })
      closers.push(
        () => receiver.server.close(),
        () => smtp.close(),
        () => peers.close()
      )
      const emailId = await storeChannel(user.id, 'email', { address: 'fan@example.test' })
      await storeChannel(user.id, 'webhook', { url: `${receiver.server.url}/hook`, secret: SECRET })
      await savePreferences(user.id, {
        timeZone: 'America/New_York',
        quietHours: { start: '22:00', end: '07:00' },
      })
      // 23:30 in New York (04:30 UTC)
      const night = new Date('2026-11-25T04:30:00Z')
      const [created] = await createNotifications(
        [{ userId: user.id, message: ticketMessage(night, 'normal') }],
        { now: night }
      )
      const rows = await deliveries(created.id)
      const email = rows.find((row) => Number(row.channel_id) === emailId)!
      assert.equal(email.mode, 'deferred')
      const sent = await deliverDue(created.id, night)
      assert.deepEqual(
        sent.map((outcome) => outcome.outcome),
        ['sent'],
        'the webhook (a machine) is never held'
      )
      assert.lengthOf(smtp.messages, 0)
      // 07:00 New York = 12:00 UTC
      assert.deepEqual(await deliverDue(created.id, new Date('2026-11-25T11:59:00Z')), [])
      const morning = await deliverDue(created.id, new Date('2026-11-25T12:00:00Z'))
      assert.deepEqual(
        morning.map((outcome) => outcome.outcome),
        ['sent']
      )
      assert.lengthOf(smtp.messages, 1)
    }).timeout(20_000)

    test('digest mode batches low-priority messages into one per window (the scheduled job)', async ({
      assert,
    }) => {
      const receiver = await webhookReceiver()
      const smtp = await startSmtpServer()
      const peers = useLocalPeers({ smtpPort: smtp.port })
      closers.push(
        () => receiver.server.close(),
        () => smtp.close(),
        () => peers.close()
      )
      await storeChannel(user.id, 'email', { address: 'fan@example.test' })
      await savePreferences(user.id, { timeZone: 'UTC', digestMinutes: 30 })
      const base = new Date('2026-11-24T12:03:00Z')
      const inputs = [8500, 8000, 7500].map((price, index) => ({
        userId: user.id,
        message: priceMessage(new Date(base.getTime() + index * 60_000), price),
      }))
      for (const [index, input] of inputs.entries())
        await createNotifications([input], { now: new Date(base.getTime() + index * 60_000) })
      assert.deepEqual(await sendDigests(new Date('2026-11-24T12:29:00Z')), {
        digests: 0,
        items: 0,
      })
      assert.deepEqual(await sendDigests(new Date('2026-11-24T12:30:00Z')), {
        digests: 1,
        items: 3,
      })
      assert.lengthOf(smtp.messages, 1)
      assert.include(smtp.messages[0].raw, '3 updates from HDTickets')
      const rows = await db.from('notification_deliveries').where('mode', 'digest')
      assert.lengthOf(rows, 3)
      assert.isTrue(rows.every((row) => row.status === 'sent'))
      assert.lengthOf(
        await db.from('notification_attempts').whereIn(
          'delivery_id',
          rows.map((row) => row.id)
        ),
        3
      )
      assert.deepEqual(
        await sendDigests(new Date('2026-11-24T13:30:00Z')),
        { digests: 0, items: 0 },
        'sent once'
      )
    }).timeout(20_000)

    test('matches a rule’s hourly cap held back go to the next digest (hourly without one), never to a webhook now', async ({
      assert,
    }) => {
      const receiver = await webhookReceiver()
      const smtp = await startSmtpServer()
      const peers = useLocalPeers({ smtpPort: smtp.port })
      closers.push(
        () => receiver.server.close(),
        () => smtp.close(),
        () => peers.close()
      )
      await storeChannel(user.id, 'email', { address: 'fan@example.test' })
      const hook = await storeChannel(user.id, 'webhook', {
        url: `${receiver.server.url}/hook`,
        secret: SECRET,
      })
      const now = new Date('2026-11-24T12:10:00Z')
      await db.table('watch_rules').insert({
        user_id: user.id,
        name: 'Any NHL pair under $150',
        filters: '{}',
        sections: '[]',
        triggers: JSON.stringify([{ kind: 'available' }]),
        channels: JSON.stringify(['inapp']),
        max_alerts_per_hour: 2,
        importance: 5,
        created_at: dbTime(db.connection(), now),
      })
      const rule = await db.from('watch_rules').where('user_id', user.id).first()
      const held = [9_900, 4_100, 7_000].map((priceMinor, index) => ({
        ruleId: Number(rule.id),
        userId: user.id,
        eventId: 900_000 + (index % 2),
        listingId: null,
        condition: 'available' as const,
        type: 'ticket_available' as const,
        priceMinor,
        currency: 'USD',
        dedupeKey: `held-${index}`,
        reason: { text: 'available' },
      }))
      const { notifyHeldBack } = await import('#notifications/alert_notifications')
      const [created] = await notifyHeldBack(held, now)

      const stored = await db.from('notifications').where('id', created.id).first()
      assert.equal(stored.title, '3 more matches held back: Any NHL pair under $150')
      assert.include(stored.body, "Over the rule's limit of 2 alerts an hour")
      assert.include(stored.body, '3 listings on 2 events')
      assert.include(stored.body, 'best $41')
      assert.equal(
        stored.priority,
        'low',
        'an interruption it is not, whatever the rule’s importance'
      )
      const rows = await deliveries(created.id)
      const byKind = new Map(rows.map((row) => [row.channel_kind, row]))
      assert.equal(byKind.get('inapp')?.status, 'sent', 'the inbox has it at once')
      assert.equal(byKind.get('email')?.mode, 'digest')
      assert.equal(
        byKind.get('email')?.digest_key,
        `c${byKind.get('email')?.channel_id}:${Date.parse('2026-11-24T13:00:00Z')}`,
        'no digest set: the hour of the cap'
      )
      assert.equal(byKind.get('webhook')?.status, 'skipped')
      assert.equal(Number(byKind.get('webhook')?.channel_id), hook)
      assert.match(byKind.get('webhook')?.last_error, /hourly limit: webhook has no digest/)
      assert.deepEqual(await deliverDue(created.id, now), [], 'nothing goes out now')
      assert.lengthOf(receiver.server.requests, 0)

      assert.deepEqual(await sendDigests(new Date('2026-11-24T12:59:00Z')), {
        digests: 0,
        items: 0,
      })
      assert.deepEqual(await sendDigests(new Date('2026-11-24T13:00:00Z')), {
        digests: 1,
        items: 1,
      })
      assert.lengthOf(smtp.messages, 1)
      assert.include(smtp.messages[0].raw, '3 more matches held back')
      assert.lengthOf(receiver.server.requests, 0, 'the webhook never hears of held-back matches')
    }).timeout(20_000)

    test('an unacknowledged urgent alert escalates to the next channel after N minutes; a read one stops', async ({
      assert,
    }) => {
      const first = await webhookReceiver()
      const second = await webhookReceiver()
      const peers = useLocalPeers()
      closers.push(
        () => first.server.close(),
        () => second.server.close(),
        () => peers.close()
      )
      const a = await storeChannel(
        user.id,
        'webhook',
        { url: `${first.server.url}/a`, secret: SECRET },
        'first'
      )
      const b = await storeChannel(
        user.id,
        'webhook',
        { url: `${second.server.url}/b`, secret: SECRET },
        'second'
      )
      await savePreferences(user.id, {
        timeZone: 'UTC',
        escalation: { afterMinutes: 10, channelIds: [a, b] },
        types: { ticket_available: [a] },
      })
      const t0 = new Date('2026-11-24T12:00:00Z')
      const [created] = await createNotifications(
        [{ userId: user.id, message: ticketMessage(t0, 'high') }],
        { now: t0 }
      )
      await deliverDue(created.id, t0)
      assert.lengthOf(first.server.requests, 1)
      assert.lengthOf(second.server.requests, 0)

      assert.deepEqual(await runEscalations(new Date(t0.getTime() + 5 * 60_000)), {
        escalated: 0,
        stopped: 0,
      })
      const t11 = new Date(t0.getTime() + 11 * 60_000)
      assert.deepEqual(await runEscalations(t11), { escalated: 1, stopped: 0 })
      await deliverDue(created.id, t11)
      assert.lengthOf(second.server.requests, 1)
      assert.deepEqual(
        await runEscalations(new Date(t0.getTime() + 30 * 60_000)),
        { escalated: 0, stopped: 1 },
        'chain exhausted'
      )

      const [read] = await createNotifications(
        [{ userId: user.id, message: ticketMessage(t0, 'high') }],
        { now: t0 }
      )
      await markRead(user.id, read.id, new Date(t0.getTime() + 60_000))
      assert.deepEqual(
        await runEscalations(t11),
        { escalated: 0, stopped: 1 },
        'acknowledged: no escalation'
      )
      assert.lengthOf(second.server.requests, 1)
    })

    test('an alert whose worker died before notifying is notified by the sweep, once', async ({
      assert,
    }) => {
      const peers = useLocalPeers()
      closers.push(() => peers.close())
      const created = new Date(Date.now() - 120_000)
      await db.table('alerts').insert({
        user_id: user.id,
        type: 'ticket_available',
        condition: 'available',
        dedupe_key: `sweep-test-${user.id}`,
        price_minor: 9900,
        currency: 'USD',
        reason: JSON.stringify({ text: 'test' }),
        detected_at: created,
        created_at: created,
      })
      const first = await sweepNotifications(new Date())
      assert.equal(first.alerts, 1)
      const again = await sweepNotifications(new Date())
      assert.equal(again.alerts, 0)
      const rows = await db.from('notifications').where('user_id', user.id)
      assert.lengthOf(rows, 1)
      assert.equal(rows[0].type, 'ticket_available')
      const alert = await db.from('alerts').where('dedupe_key', `sweep-test-${user.id}`).first()
      assert.isNotNull(alert.notified_at)
      assert.equal(Number(rows[0].alert_id), Number(alert.id))
      await db.from('alerts').where('id', alert.id).delete()
    })

    test('an alert goes to its rule’s channels (by kind), and a rejected account credential tells its owner', async ({
      assert,
    }) => {
      const peers = useLocalPeers()
      closers.push(() => peers.close())
      const hook = await storeChannel(user.id, 'webhook', {
        url: 'https://hooks.example.com/a',
        secret: SECRET,
      })
      await storeChannel(user.id, 'slack', {
        url: 'https://hooks.slack.com/services/T000/B000/XXXX',
      })
      const now = new Date()
      const at = dbTime(db.connection(), now)
      await db.table('watch_rules').insert({
        user_id: user.id,
        name: 'webhook only',
        filters: '{}',
        sections: '[]',
        triggers: JSON.stringify([{ kind: 'available' }]),
        channels: JSON.stringify(['webhook']),
        importance: 5,
        created_at: at,
      })
      const rule = await db.from('watch_rules').where('user_id', user.id).first()
      await db.table('alerts').insert({
        user_id: user.id,
        watch_rule_id: rule.id,
        type: 'ticket_available',
        condition: 'available',
        dedupe_key: `rule-channels-${user.id}`,
        reason: JSON.stringify({ text: 'test' }),
        detected_at: now,
        created_at: now,
      })
      const alert = await db.from('alerts').where('dedupe_key', `rule-channels-${user.id}`).first()
      const { notifyAlerts } = await import('#notifications/alert_notifications')
      const [created] = await notifyAlerts([Number(alert.id)])
      const rows = await deliveries(created.id)
      assert.deepEqual(
        rows.map((row) => [
          row.channel_kind,
          row.channel_id === null ? null : Number(row.channel_id),
        ]),
        [
          ['inapp', null],
          ['webhook', hook],
        ]
      )
      const stored = await db.from('notifications').where('id', created.id).first()
      assert.equal(stored.priority, 'high', 'importance 5 → high priority')
      assert.deepEqual(await notifyAlerts([Number(alert.id)]), [], 'an alert is notified once')

      // A rule left at its default ["inapp"] follows the user's preferences (every active channel)
      await db
        .from('watch_rules')
        .where('id', rule.id)
        .update({ channels: JSON.stringify(['inapp']) })
      await db.table('alerts').insert({
        user_id: user.id,
        watch_rule_id: rule.id,
        type: 'ticket_available',
        condition: 'available',
        dedupe_key: `rule-default-${user.id}`,
        reason: JSON.stringify({ text: 'test' }),
        detected_at: now,
        created_at: now,
      })
      const second = await db.from('alerts').where('dedupe_key', `rule-default-${user.id}`).first()
      const [viaPreferences] = await notifyAlerts([Number(second.id)])
      assert.sameMembers(
        (await deliveries(viaPreferences.id)).map((row) => row.channel_kind),
        ['inapp', 'webhook', 'slack']
      )
      await db.from('alerts').where('id', second.id).delete()
      await db.from('alerts').where('id', alert.id).delete()
      await db.from('watch_rules').where('id', rule.id).delete()

      const { notifyAccountRejected } = await import('#notifications/account_notifications')
      await notifyAccountRejected({
        userId: user.id,
        accountId: 7,
        platform: 'Ticket Evolution',
        reason: 'token revoked',
      })
      const issue = await db
        .from('notifications')
        .where({ user_id: user.id, type: 'account_issue' })
        .first()
      assert.include(issue.body, 'Ticket Evolution rejected the stored credential (token revoked)')
      assert.match(issue.link, /\/accounts$/)
    })

    test('purchase outcomes become purchase_success / purchase_failed notifications', async ({
      assert,
    }) => {
      const peers = useLocalPeers()
      closers.push(() => peers.close())
      await announcePurchase('purchase:succeeded', {
        requestId: 999_001,
        userId: user.id,
        orderId: 5,
        platform: 'sandbox',
        externalOrderId: 'TE-77',
        quantity: 2,
        totalMinor: 17_000,
        currency: 'USD',
        reconciled: false,
      })
      await announcePurchase('purchase:failed', {
        requestId: 999_002,
        userId: user.id,
        platform: 'sandbox',
        code: 'E_PRICE_MOVED',
        reason: 'The price rose above your limit',
      })
      // The events only queue jobs; a worker on the notifications queue turns them into notifications.
      const worker = await createWorker()
      closers.push(() => worker.stop())
      worker.start(['notifications']).catch(() => {})
      assert.isTrue(
        await waitFor(
          async () => (await db.from('notifications').where('user_id', user.id)).length === 2
        )
      )
      const rows = await db.from('notifications').where('user_id', user.id).orderBy('type')
      assert.deepEqual(
        rows.map((row) => row.type),
        ['purchase_failed', 'purchase_success'],
        'jobs run in any order'
      )
      const [failed, succeeded] = rows
      assert.include(succeeded.body, 'order TE-77')
      assert.include(succeeded.body, '$170.00')
      assert.include(failed.body, 'The price rose above your limit')
      assert.equal(failed.priority, 'high')
      // A repeated outcome (a retried job) makes no second notification
      const { notifyPurchaseSucceeded } = await import('#notifications/purchase_notifications')
      assert.deepEqual(
        await notifyPurchaseSucceeded({
          requestId: 999_001,
          userId: user.id,
          orderId: 5,
          platform: 'sandbox',
          externalOrderId: 'TE-77',
          quantity: 2,
          totalMinor: 17_000,
          currency: 'USD',
          reconciled: true,
        }),
        []
      )
    }).timeout(30_000)
  }
)
