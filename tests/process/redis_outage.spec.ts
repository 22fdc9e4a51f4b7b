/**
 * A Redis outage, at the process level: a web process (EMBEDDED=false) and
 * a `queue:work` worker, started from the build, on PostgreSQL and a Redis server of the test's own.
 * Redis is killed for about 30 s and started again empty. The processes
 * are never restarted: /health/ready is 503 while Redis is away and 200
 * once it is back, "check now" answers a clean 503 during the outage and
 * works after it, the worker runs jobs again, and both processes exit
 * within 30 s of SIGTERM.
 */
import { test } from '@japa/runner'
import { hostname } from 'node:os'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import User from '#models/user'
import { addEvent } from '#monitoring/discovery_service'
import { createUser } from '#tests/helpers/users'
import { seedPlatforms, startTestSandbox } from '#tests/helpers/sandbox'
import { RedisServer } from '#tests/helpers/redis_server'
import { Child, ensureBuilt, freePortInRange, sleep } from '#tests/helpers/processes'

const OUTAGE_MS = 30_000

test.group('Redis outage (process level)', () => {
  test('every process recovers without a restart; health and "check now" say 503 meanwhile', async ({
    assert,
    cleanup,
  }) => {
    ensureBuilt()
    /** The market the worker checks, and one source of it. */
    await seedPlatforms()
    const sandbox = await startTestSandbox({ events: 2 })
    cleanup(() => sandbox.stop())
    const simEvent = sandbox.exchange.simulator.events()[0]
    const { sourceId } = await addEvent(`sandbox:${simEvent.id}`)
    const manager = await createUser('manager')
    const token = (await User.accessTokens.create(manager, ['read', 'write'])).value!.release()

    const redis = new RedisServer(await freePortInRange())
    await redis.start()
    cleanup(() => redis.stop())
    const webPort = await freePortInRange()
    const base = `http://127.0.0.1:${webPort}`
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      APP_URL: 'http://127.0.0.1',
      LOG_LEVEL: 'info',
      APP_KEY: env.get('APP_KEY').release(),
      HOST: '127.0.0.1',
      PORT: String(webPort),
      EMBEDDED: 'false',
      QUEUE_DRIVER: 'redis',
      LIMITER_STORE: 'redis',
      LOCK_STORE: 'redis',
      TRANSMIT_TRANSPORT: 'redis',
      API_RATE_LIMIT_STORE: 'redis',
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redis.port),
      REDIS_DB: '0',
      SANDBOX_URL: sandbox.exchange.url,
      METRICS_TOKEN: 'outage-scrape-token',
    }

    /** From the build, as the README's Deployment section runs them. */
    const web = new Child('web', ['build/bin/server.js'], childEnv)
    const worker = new Child(
      'worker',
      ['build/ace.js', 'queue:work', '--queue=purchases,notifications,default,checks'],
      childEnv
    )
    const children = [web, worker]
    cleanup(() => children.forEach((child) => child.alive && child.process.kill('SIGKILL')))
    const explain = () => children.map((child) => child.tail()).join('\n')

    const get = (path: string) => fetch(`${base}${path}`).catch(() => null)
    const checkNow = async () => {
      const started = Date.now()
      const response = await fetch(`${base}/api/v1/scrapers/${sourceId}/check`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      })
      return {
        status: response.status,
        body: (await response.json().catch(() => null)) as any,
        retryAfter: response.headers.get('retry-after'),
        ms: Date.now() - started,
      }
    }
    const lastChecked = async () => {
      const row = await db.from('event_sources').where('id', sourceId).first()
      return row.last_checked_at ? new Date(row.last_checked_at).getTime() : 0
    }
    /** "Check now" → the worker fetches the market and stamps the source. */
    const checkRuns = async (label: string) => {
      const requestsBefore = sandbox.exchange.stats.requests
      const stampedBefore = await lastChecked()
      const answer = await checkNow()
      assert.equal(answer.status, 202, `${label}: check now ${JSON.stringify(answer.body)}`)
      const deadline = Date.now() + 60_000
      while (
        sandbox.exchange.stats.requests === requestsBefore ||
        (await lastChecked()) <= stampedBefore
      ) {
        if (Date.now() > deadline)
          assert.fail(`${label}: the worker never ran the check\n${explain()}`)
        await sleep(250)
      }
    }

    /** Both processes up and working. */
    const bootDeadline = Date.now() + 120_000
    while ((await get('/health/ready'))?.status !== 200) {
      if (!web.alive || Date.now() > bootDeadline)
        assert.fail(`web never became ready\n${explain()}`)
      await sleep(500)
    }
    await worker.waitForOutput('Starting worker', 120_000)
    await checkRuns('before the outage')

    /** Redis goes away for about 30 s. */
    await redis.stop()
    const downAt = Date.now()
    const readiness: Array<{ at: number; status: number | null }> = []
    let during: Awaited<ReturnType<typeof checkNow>> | null = null
    let liveDuring: number | null = null
    while (Date.now() - downAt < OUTAGE_MS) {
      const ready = await get('/health/ready')
      readiness.push({ at: Date.now() - downAt, status: ready?.status ?? null })
      if (!during && Date.now() - downAt > 5_000) {
        during = await checkNow()
        liveDuring = (await get('/health/live'))?.status ?? null
      }
      await sleep(1_000)
    }
    assert.isTrue(web.alive && worker.alive, `a process died during the outage\n${explain()}`)
    const settled = readiness.filter((sample) => sample.at > 3_000)
    assert.isAbove(settled.length, 10)
    assert.deepEqual(
      [...new Set(settled.map((sample) => sample.status))],
      [503],
      `/health/ready while Redis was away: ${JSON.stringify(readiness)}`
    )
    assert.equal(liveDuring, 200)
    assert.equal(during!.status, 503, JSON.stringify(during))
    assert.equal(during!.body?.errors?.[0]?.code, 'E_SERVICE_UNAVAILABLE')
    assert.equal(during!.retryAfter, '5')
    assert.isBelow(during!.ms, 10_000, 'the 503 came without a long wait')

    /** Redis is back, empty: no process is restarted. */
    await redis.start()
    const upAt = Date.now()
    while ((await get('/health/ready'))?.status !== 200) {
      if (Date.now() - upAt > 30_000)
        assert.fail(`/health/ready stayed 503 after Redis came back\n${explain()}`)
      await sleep(500)
    }
    await checkRuns('after the outage')
    assert.isTrue(web.alive && worker.alive)
    assert.isBelow(
      worker.output.split('Redis unreachable').length - 1,
      4,
      'the outage is logged once per connection, not at every reconnection attempt'
    )
    assert.include(worker.output, 'Redis reachable again')

    /**
     * The checks were counted by the worker, which serves no HTTP: the web
     * process's /metrics has them (pushed through Redis), and queue depth
     * reads the Redis driver.
     */
    const workerId = `worker@${hostname()}:${worker.process.pid}`
    const metricsDeadline = Date.now() + 30_000
    let scraped = ''
    for (;;) {
      const response = await fetch(`${base}/metrics`, {
        headers: { authorization: 'Bearer outage-scrape-token' },
      })
      scraped = await response.text()
      const counted = scraped.match(
        new RegExp(
          `hdtickets_checks_total\\{platform="sandbox",outcome="ok",process="${workerId}"\\} (\\d+)`
        )
      )
      if (counted && Number(counted[1]) >= 2) break
      if (Date.now() > metricsDeadline)
        assert.fail(`the worker's two checks never reached /metrics:\n${scraped.slice(0, 4000)}`)
      await sleep(1_000)
    }
    assert.match(scraped, /hdtickets_queue_depth\{queue="checks"\} 0/)

    /** SIGTERM: each process is gone within 30 s. */
    const [webStop, workerStop] = await Promise.all([web.terminate(), worker.terminate()])
    assert.isNotNull(webStop.ms, `web still running 30 s after SIGTERM\n${web.tail()}`)
    assert.isNotNull(workerStop.ms, `worker still running 30 s after SIGTERM\n${worker.tail()}`)
    assert.equal(webStop.code, 0, web.tail())
    assert.equal(workerStop.code, 0, worker.tail())
  }).timeout(360_000)
})
