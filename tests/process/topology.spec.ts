/**
 * The scaled topology, started as the README's Deployment section runs it
 * (bench/processes.ts: the same starters as the scaled benchmark): from
 * the build, on PostgreSQL and a Redis of the test's own — 2 web
 * processes (EMBEDDED=false), 2 `queue:work` workers, 2 `monitor:run`
 * monitors (one holds the dispatcher lease, one stands by), the sandbox
 * exchange in its own process (`sandbox:serve`) and a local webhook
 * receiver. Asserted within bounded time:
 * - checks happen, dispatched by the monitor, and both workers run them;
 * - a price cut in the sandbox yields exactly one alert and one webhook
 *   delivery, and an SSE client on the other web process receives it;
 * - three SIGKILLs of a worker at random moments lose no alert and double
 *   none (each killed worker is started again, as systemd would);
 * - a check whose worker died between the market write and the alert (its
 *   outbox row written, as alerts.spec.ts makes one) is alerted, once, by
 *   the monitor's outbox sweep within seconds;
 * - Redis emptied (as a cache-only Redis restarts): the monitor declares
 *   the recurring schedules again, without a restart;
 * - a SIGKILLed monitor is replaced by the standby within 15 s;
 * - workers SIGTERMed with a purchase in hand finish it (one order), its
 *   notification is delivered once, and they exit within 30 s.
 * The counts (alerts expected / stored / notified / delivered, exit and
 * take-over times) are printed.
 *
 * The pairs' check intervals are minutes long; the test is the clock: every
 * second it makes due the pairs not checked in the last two seconds.
 */
import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import User from '#models/user'
import WatchRuleService from '#alerts/watch_rule_service'
import ConnectorRuntime, { resetConnectorRuntime } from '#connectors/runtime'
import { discoverEvents } from '#monitoring/discovery_service'
import { signRequest } from '#connectors/ticketevolution/signing'
import { sandboxCredential } from '#connectors/sandbox/sandbox_credentials'
import { createUser } from '#tests/helpers/users'
import { linkSandboxAccount } from '#tests/helpers/purchasing'
import { seedPlatforms } from '#tests/helpers/sandbox'
import { storeChannel } from '#tests/helpers/notifications'
import { RedisServer } from '#tests/helpers/redis_server'
import { normalisedEvent, normalisedListing, snapshot } from '#tests/helpers/market'
import { writeMarket } from '#monitoring/market_writer'
import { upsertEvent } from '#monitoring/event_catalogue'
import { Redis } from 'ioredis'
import {
  Child,
  ROLE_ARGS,
  ensureBuilt,
  freePortInRange,
  scaledEnv,
  sleep,
  startSandbox,
} from '#tests/helpers/processes'
import { browserLogin } from '#tests/helpers/web_login'

const EVENTS = 6
const WEBHOOK_SECRET = 'whsec_topology_0123456789abcdef'
const PASSWORD = 'topology password 1'

async function emptyTables() {
  for (const table of [
    'notification_attempts',
    'notification_escalations',
    'notification_deliveries',
    'notifications',
    'notification_preferences',
    'notification_channels',
    'alert_outbox',
    'alerts',
    'watch_rules',
    'listing_changes',
    'listings',
    'event_status_changes',
    'event_sources',
    'events',
  ]) {
    await db.from(table).delete()
  }
  await User.query().delete()
}

/** The sandbox's admin API (signed as the connector signs): the market moves when the test says. */
async function sandboxAdmin(
  sandboxUrl: string,
  method: 'GET' | 'POST',
  path: string,
  body?: object
) {
  const url = new URL(path, sandboxUrl)
  const credential = sandboxCredential()
  const json = body === undefined ? undefined : JSON.stringify(body)
  const signature = signRequest(String(credential.secret), {
    method,
    host: url.host,
    path: url.pathname,
    ...(method === 'GET' ? { query: '' } : { body: json }),
  })
  const response = await fetch(url, {
    method,
    body: json,
    headers: {
      'x-token': String(credential.token),
      'x-signature': signature,
      'content-type': 'application/json',
    },
  })
  if (response.status !== 200)
    throw new Error(`sandbox ${path} answered ${response.status}: ${await response.text()}`)
  return (await response.json()) as any
}

const mutate = (sandboxUrl: string, body: Record<string, unknown>) =>
  sandboxAdmin(sandboxUrl, 'POST', '/__sandbox/mutate', body)

/** Webhook receiver: every request, its delivery id (the idempotency key) and the alert it names. */
async function webhookReceiver(port: number) {
  const received: Array<{ delivery: string; at: number; body: any }> = []
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      let parsed: any = null
      try {
        parsed = JSON.parse(body)
      } catch {}
      received.push({
        delivery: String(request.headers['hdtickets-delivery'] ?? ''),
        at: Date.now(),
        body: parsed,
      })
      response.writeHead(200)
      response.end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

/** An SSE client of one web process, subscribed to `channel`; what arrives is kept. */
async function openStream(
  base: string,
  session: { cookie: string; xsrf: string },
  channel: string
) {
  const uid = randomUUID()
  const controller = new AbortController()
  const response = await fetch(`${base}/__transmit/events?uid=${uid}`, {
    headers: { cookie: session.cookie, accept: 'text/event-stream' },
    signal: controller.signal,
  })
  if (response.status !== 200) throw new Error(`SSE stream answered ${response.status}`)
  let received = ''
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  ;(async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        received += decoder.decode(value)
      }
    } catch {}
  })()
  const subscribe = await fetch(`${base}/__transmit/subscribe`, {
    method: 'POST',
    headers: {
      'cookie': session.cookie,
      'x-xsrf-token': session.xsrf,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ uid, channel }),
  })
  if (subscribe.status !== 204) throw new Error(`SSE subscribe answered ${subscribe.status}`)
  return { received: () => received, close: () => controller.abort() }
}

/**
 * The monitor that holds the dispatcher lease: of those whose last lease
 * event is "taken", the one that took it last.
 */
function currentLeader(monitors: Child[]) {
  const holders: Array<{ monitor: Child; at: number }> = []
  for (const monitor of monitors.filter((candidate) => candidate.alive)) {
    let holding = false
    let at = 0
    for (const line of monitor.output.split('\n')) {
      if (line.includes('dispatcher lease taken')) {
        holding = true
        at = Number(line.match(/"time":(\d+)/)?.[1] ?? 0)
      } else if (/dispatcher lease (lost|released)/.test(line)) {
        holding = false
      }
    }
    if (holding) holders.push({ monitor, at })
  }
  return holders.sort((a, b) => b.at - a.at)[0]?.monitor
}

async function count(query: any): Promise<number> {
  const row = await query.count('* as total').first()
  return Number(row?.total ?? 0)
}

async function until(
  what: string,
  check: () => Promise<boolean>,
  ms: number,
  explain: () => string
) {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s\n${explain()}`)
    await sleep(250)
  }
}

test.group('Scaled topology (process level, from the build)', () => {
  test('checks spread over both workers; one alert per price cut through SIGKILLs; monitor failover; SIGTERM', async ({
    assert,
    cleanup,
  }) => {
    ensureBuilt()
    await emptyTables()
    await seedPlatforms()
    const children: Child[] = []
    cleanup(async () => {
      await Promise.all(children.map((child) => child.kill()))
    })
    const explain = () => children.map((child) => child.tail(2500)).join('\n')

    /** Redis of the test's own, the sandbox exchange in its own process, the webhook receiver. */
    const redis = new RedisServer(await freePortInRange())
    await redis.start()
    cleanup(() => redis.stop())
    const { child: sandbox, url: sandboxUrl } = await startSandbox({
      env: { ...process.env, NODE_ENV: 'production' },
      port: await freePortInRange(),
      events: EVENTS,
      listings: 6,
      pace: 0,
      seed: 11,
    })
    children.push(sandbox)
    const receiver = await webhookReceiver(await freePortInRange())
    cleanup(async () => {
      await receiver.close()
    })

    /** The watchlist: the sandbox's events, one rule per event (a cap below every price), a webhook. */
    const runtime = new ConnectorRuntime()
    runtime.useSandboxAt(sandboxUrl)
    resetConnectorRuntime(runtime)
    cleanup(async () => {
      resetConnectorRuntime(null)
      await runtime.transport.close()
    })
    const found = await discoverEvents('sandbox', {})
    assert.equal(found.seen, EVENTS)
    const user = await createUser('member', { password: PASSWORD })
    const sources = await db
      .from('event_sources')
      .join('events', 'events.id', 'event_sources.event_id')
      .select('event_sources.id', 'event_sources.event_id', 'event_sources.external_id')
      .orderBy('event_sources.id')
    assert.lengthOf(sources, EVENTS)
    for (const source of sources) {
      await new WatchRuleService().create(user, {
        name: `Cheap seats ${source.event_id}`,
        eventId: source.event_id,
        maxPriceMinor: 300,
        /** The ticket price before fees (the sandbox states fees; the cut is to the ticket price). */
        includeFees: false,
        currency: 'USD',
        minQuantity: 1,
        triggers: [{ kind: 'available' }],
      } as any)
    }
    await storeChannel(user.id, 'webhook', { url: receiver.url, secret: WEBHOOK_SECRET })
    /** For the purchase in hand at SIGTERM (below). */
    await linkSandboxAccount(user)
    const apiToken = (
      await User.accessTokens.create(user, ['read', 'write', 'purchase'])
    ).value!.release()

    /**
     * An event for the outbox fault (below): its first market written here,
     * its rule made now (processes cache rules for 30 s).
     */
    const platform = await db.from('platforms').where('slug', 'sandbox').first()
    const orphanEvent = normalisedEvent()
    const orphan = await upsertEvent(platform.id, orphanEvent)
    /** Not in the sandbox: no worker checks it (its market is only what the test writes). */
    await db.from('event_sources').where('id', orphan.sourceId).update({ state: 'paused' })
    await new WatchRuleService().create(user, {
      name: 'Orphaned check',
      eventId: orphan.eventId,
      maxPriceMinor: 300,
      includeFees: false,
      currency: 'USD',
      minQuantity: 1,
      triggers: [{ kind: 'available' }],
    } as any)
    await writeMarket(
      { id: orphan.sourceId, eventId: orphan.eventId },
      snapshot(orphanEvent, []),
      new Date(Date.now() - 60_000)
    )

    /** The cluster, as the README runs it. */
    const childEnv = scaledEnv(
      {
        ...process.env,
        LOG_LEVEL: 'info',
        APP_KEY: env.get('APP_KEY').release(),
        APP_URL: 'http://127.0.0.1',
        HOST: '127.0.0.1',
        WEBHOOK_ALLOW_PRIVATE: 'true',
        METRICS_TOKEN: 'topology-scrape-token',
      },
      { redisPort: redis.port, sandboxUrl }
    )
    const webPorts = [await freePortInRange(), await freePortInRange()]
    const bases = webPorts.map((port) => `http://127.0.0.1:${port}`)
    webPorts.forEach((port, index) =>
      children.push(
        new Child(`web${index + 1}`, ROLE_ARGS.web, { ...childEnv, PORT: String(port) })
      )
    )
    let workerCount = 0
    const startWorker = () => {
      const worker = new Child(`worker${++workerCount}`, ROLE_ARGS.worker, {
        ...childEnv,
        PORT: '0',
      })
      children.push(worker)
      return worker
    }
    let monitorCount = 0
    const startMonitor = () => {
      const monitor = new Child(`monitor${++monitorCount}`, ROLE_ARGS.monitor, {
        ...childEnv,
        PORT: '0',
      })
      children.push(monitor)
      return monitor
    }
    const workers = [startWorker(), startWorker()]
    const monitors = [startMonitor(), startMonitor()]

    for (const base of bases) {
      await until(
        `${base} ready`,
        async () => (await fetch(`${base}/health/ready`).catch(() => null))?.status === 200,
        120_000,
        explain
      )
    }
    for (const worker of workers) await worker.waitForOutput('Starting worker', 120_000)
    await until(
      'a monitor holds the dispatcher lease',
      async () => monitors.some((monitor) => monitor.output.includes('dispatcher lease taken')),
      30_000,
      explain
    )

    /** The test's clock: pairs not checked in the last 2 s are due again. */
    let clockRunning = true
    const clock = (async () => {
      while (clockRunning) {
        const now = new Date()
        await db
          .from('event_sources')
          .where('state', 'active')
          .where('next_check_at', '>', new Date(now.getTime() + 3_000))
          .where('last_checked_at', '<', new Date(now.getTime() - 2_000))
          .update({ next_check_at: now })
          .catch(() => {})
        await sleep(1_000)
      }
    })()
    cleanup(async () => {
      clockRunning = false
      await clock
    })

    /** Checks happen, and both workers run them (their counters, pushed to the web processes' /metrics). */
    await until(
      'every pair checked',
      async () =>
        (await count(db.from('event_sources').whereNull('last_checked_at'))) === 0 &&
        (await count(db.from('listings'))) > 0,
      90_000,
      explain
    )
    const checksByWorker = async () => {
      const response = await fetch(`${bases[0]}/metrics`, {
        headers: { authorization: 'Bearer topology-scrape-token' },
      })
      const text = await response.text()
      const byProcess = new Map<string, number>()
      for (const match of text.matchAll(
        /hdtickets_checks_total\{[^}]*process="(worker@[^"]+)"[^}]*\} (\d+)/g
      )) {
        byProcess.set(match[1], (byProcess.get(match[1]) ?? 0) + Number(match[2]))
      }
      return byProcess
    }
    let spread = new Map<string, number>()
    await until(
      'checks on both workers',
      async () => {
        spread = await checksByWorker()
        return workers.every((worker) =>
          [...spread].some(([id, total]) => id.endsWith(`:${worker.pid}`) && total > 0)
        )
      },
      90_000,
      () => `${JSON.stringify([...spread])}\n${explain()}`
    )

    /** An SSE client on the second web process (alerts are made in the workers). */
    const session = await browserLogin(bases[1], user.email, PASSWORD)
    const stream = await openStream(bases[1], session, `users/${user.id}`)
    cleanup(() => stream.close())

    /** A price cut → exactly one alert, one webhook delivery, one SSE message. */
    const cut = async (sourceIndex: number) => {
      const source = sources[sourceIndex]
      const listing = await db
        .from('listings')
        .where('event_source_id', source.id)
        .where('status', 'available')
        .orderBy('id')
        .first()
      assert.exists(listing, `a listing of source ${source.id}`)
      await mutate(sandboxUrl, {
        op: 'setSplitRule',
        listingId: Number(listing.external_id),
        rule: 'any',
      })
      await mutate(sandboxUrl, {
        op: 'setPrice',
        listingId: Number(listing.external_id),
        retailCents: 150,
      })
      return { at: Date.now(), eventId: source.event_id }
    }
    const alertCount = () => count(db.from('alerts').where('user_id', user.id))
    const deliveredIds = () => new Set(receiver.received.map((request) => request.delivery))

    const first = await cut(0)
    await until('the first alert', async () => (await alertCount()) === 1, 30_000, explain)
    await until('its webhook', async () => receiver.received.length >= 1, 30_000, explain)
    await until(
      'its SSE message on the other web process',
      async () => stream.received().includes('"kind":"alert"'),
      15_000,
      () => `SSE got: ${stream.received()}\n${explain()}`
    )
    const firstAlertMs = Date.now() - first.at
    await sleep(4_000)
    assert.equal(await alertCount(), 1, 'one price cut, one alert')
    assert.equal(receiver.received.length, 1, 'one alert, one webhook request')

    /** Three SIGKILLs of a worker at random moments among price cuts on other events. */
    const kills: number[] = []
    for (let round = 1; round <= 3; round++) {
      const made = cut(round)
      await sleep(Math.floor(Math.random() * 2_500))
      const victim = workers.splice(Math.floor(Math.random() * workers.length), 1)[0]
      await victim.kill()
      kills.push(Date.now())
      workers.push(startWorker())
      await made
      await sleep(1_500)
    }
    const expected = 4
    await until(
      `${expected} alerts and their webhooks after the kills`,
      async () => (await alertCount()) >= expected && deliveredIds().size >= expected,
      120_000,
      () => `webhook requests ${receiver.received.length}\n${explain()}`
    )
    await sleep(5_000)
    const stored = await alertCount()
    const notified = await count(
      db.from('alerts').where('user_id', user.id).whereNotNull('notified_at')
    )
    const deliveries = await count(
      db
        .from('notification_deliveries')
        .join(
          'notification_channels',
          'notification_channels.id',
          'notification_deliveries.channel_id'
        )
        .where('notification_channels.kind', 'webhook')
        .whereNotNull('notification_deliveries.delivered_at')
    )
    const sseAlerts = stream.received().split('"kind":"alert"').length - 1
    const webhookRequests = receiver.received.length
    const webhookDistinct = deliveredIds().size

    /**
     * A worker dies between the market write and the alert: the write (and
     * its outbox row) committed, nothing evaluated it. The monitor's sweep
     * does, within seconds: one more alert, one more webhook.
     */
    const orphanedAt = Date.now()
    const written = await writeMarket(
      { id: orphan.sourceId, eventId: orphan.eventId },
      snapshot(orphanEvent, [normalisedListing('orphan-1', 200, 2)]),
      new Date()
    )
    assert.isNotNull(written.outboxId)
    await until(
      'the orphaned outbox row alerted by the sweep',
      async () => (await alertCount()) === expected + 1 && deliveredIds().size === expected + 1,
      30_000,
      explain
    )
    const outboxSweepMs = Date.now() - orphanedAt
    assert.equal(await count(db.from('alert_outbox')), 0)

    /** Redis emptied: the schedules come back without a restart (the monitor looks every 30 s). */
    const redisClient = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true })
    await redisClient.connect()
    cleanup(() => void redisClient.disconnect())
    const scheduleKeys = async () => (await redisClient.keys('*notification-sweep*')).length
    assert.isAbove(await scheduleKeys(), 0, 'the schedules were declared at start')
    await redisClient.flushall()
    const flushedAt = Date.now()
    await until(
      'the schedules declared again',
      async () => (await scheduleKeys()) > 0,
      45_000,
      explain
    )
    const schedulesBackMs = Date.now() - flushedAt

    /** The dispatcher's monitor SIGKILLed: the standby takes the lease within 15 s. */
    const leader = currentLeader(monitors)
    assert.exists(leader, `a monitor holds the lease\n${explain()}`)
    const standby = monitors.find((monitor) => monitor.alive && monitor !== leader)!
    const standbyFrom = standby.output.length
    await leader.kill()
    const killedAt = Date.now()
    await standby.waitForOutput('dispatcher lease taken', 20_000, standbyFrom)
    const takeoverMs = Date.now() - killedAt
    monitors.push(startMonitor())
    /** …and checks go on under it. */
    const afterTakeover = new Date()
    await until(
      'a check after the take-over',
      async () =>
        (await count(db.from('event_sources').where('last_checked_at', '>', afterTakeover))) > 0,
      30_000,
      explain
    )

    /**
     * SIGTERM with a purchase in hand: the exchange commits the order and
     * answers 5 s later; both workers are told to stop meanwhile. The one
     * with the purchase finishes it (one order), its notification is not
     * lost, and both exit within 30 s; new workers deliver the notification.
     */
    const buyable = await db
      .from('listings')
      .where('event_source_id', sources[5].id)
      .where('status', 'available')
      .orderBy('id')
      .first()
    const splits: number[] =
      typeof buyable.splits === 'string' ? JSON.parse(buyable.splits) : (buyable.splits ?? [1])
    await sandboxAdmin(sandboxUrl, 'POST', '/__sandbox/order-responses', {
      mode: 'delay',
      delayMs: 5_000,
      count: 1,
    })
    const ordersBefore = (await sandboxAdmin(sandboxUrl, 'GET', '/__sandbox/orders')).orders.length
    const created = await fetch(`${bases[0]}/api/v1/purchases`, {
      method: 'POST',
      headers: {
        'authorization': `Bearer ${apiToken}`,
        'content-type': 'application/json',
        'accept': 'application/json',
      },
      body: JSON.stringify({
        listingId: Number(buyable.id),
        quantity: Math.min(...splits),
        maxPriceMinor: Number(buyable.price_minor) * 2,
      }),
    })
    const createdBody = (await created.json()) as any
    assert.equal(created.status, 201, JSON.stringify(createdBody))
    const requestId = Number(createdBody.data.id)
    /** The owner approves (as the page's "approve" does): the order goes to the queue. */
    if (createdBody.data.status === 'pending_approval') {
      const approved = await fetch(`${bases[0]}/api/v1/purchases/${requestId}/approve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiToken}`, accept: 'application/json' },
      })
      assert.equal(approved.status, 200, await approved.text())
    }
    await until(
      'the order committed at the exchange (its answer held back)',
      async () =>
        (await sandboxAdmin(sandboxUrl, 'GET', '/__sandbox/orders')).orders.length > ordersBefore,
      30_000,
      explain
    )
    const stopping = workers.splice(0, workers.length)
    const stops = await Promise.all(stopping.map((worker) => worker.terminate(35_000)))
    workers.push(startWorker(), startWorker())
    await until(
      'the purchase succeeded and its notification delivered',
      async () =>
        receiver.received.some((request) =>
          JSON.stringify(request.body).includes('purchase_success')
        ),
      60_000,
      () => `${stops.map((stop) => JSON.stringify(stop)).join(' ')}\n${explain()}`
    )
    await sleep(3_000)
    const purchase = await db.from('purchase_requests').where('id', requestId).first()
    const orders =
      (await sandboxAdmin(sandboxUrl, 'GET', '/__sandbox/orders')).orders.length - ordersBefore
    const purchaseNotifications = await count(
      db.from('notifications').where('user_id', user.id).where('type', 'purchase_success')
    )
    const purchaseWebhooks = receiver.received.filter((request) =>
      JSON.stringify(request.body).includes('purchase_success')
    ).length

    const report = {
      alerts: { expected, stored, notified, webhookDeliveries: deliveries },
      orphanedOutboxAlertedMs: outboxSweepMs,
      schedulesBackAfterFlushMs: schedulesBackMs,
      webhookRequests,
      webhookDistinct,
      webhookRequestsWithOrphan: receiver.received.length,
      sseAlertMessages: sseAlerts,
      firstAlertMs,
      checksByWorker: Object.fromEntries(spread),
      workerKills: kills.length,
      monitorTakeoverMs: takeoverMs,
      purchaseInHand: {
        status: purchase.status,
        orders,
        notifications: purchaseNotifications,
        webhooks: purchaseWebhooks,
        workerSigtermExitMs: stops.map((stop) => stop.ms),
        workerSigtermCodes: stops.map((stop) => stop.code),
      },
    }
    console.log(`topology: ${JSON.stringify(report)}`)

    assert.isAtLeast(spread.size, 2, 'checks ran on both workers')
    assert.equal(stored, expected, 'alerts: none lost, none doubled')
    assert.equal(notified, expected, 'every alert notified')
    assert.equal(deliveries, expected, 'one webhook delivery per alert')
    assert.equal(webhookDistinct, expected, 'the receiver saw one delivery id per alert')
    assert.equal(webhookRequests, expected, 'and no delivery twice')
    assert.isAtLeast(sseAlerts, 1, 'the SSE client on the other web process heard the alert')
    assert.isBelow(takeoverMs, 15_000, 'the standby monitor took over within 15 s')
    assert.equal(purchase.status, 'succeeded')
    assert.equal(orders, 1, 'one order at the exchange')
    assert.equal(purchaseNotifications, 1, 'the purchase_success notification was not lost')
    assert.equal(purchaseWebhooks, 1, 'and delivered once')
    for (const [index, stop] of stops.entries()) {
      assert.isNotNull(stop.ms, `a worker ran on 30 s after SIGTERM\n${stopping[index].tail()}`)
      assert.isBelow(stop.ms!, 30_000)
      assert.equal(stop.code, 0, stopping[index].tail())
    }

    clockRunning = false
    await clock
    const terminations = await Promise.all(
      children.filter((child) => child.alive).map((child) => child.terminate())
    )
    console.log(
      `topology: SIGTERM exit times (ms) ${JSON.stringify(terminations.map((result) => result.ms))}`
    )
    assert.isTrue(
      terminations.every((result) => result.ms !== null && result.ms < 30_000),
      `every process exits within 30 s of SIGTERM\n${explain()}`
    )
  }).timeout(600_000)
})
