/**
 * /metrics in the scaled mode (EMBEDDED=false, as in the tests): workers
 * serve no HTTP, so what they count reaches Prometheus through the metrics
 * board; queue depth covers the Redis queue driver as well as the database.
 */
import { test } from '@japa/runner'
import { Counter, Registry } from 'prom-client'
import apiConfig from '#config/api'
import env from '#start/env'
import PruneExpiredTokens from '#jobs/prune_expired_tokens'
import db from '@adonisjs/lucid/services/db'
import { scanKeys } from '#services/queue_monitor'
import { processId, pushSnapshot } from '#monitoring/cluster_metrics'
import metricsConfig from '#config/metrics'

async function forgetQueue(name: string) {
  if (env.get('QUEUE_DRIVER', 'database') === 'redis') {
    const { default: redis } = await import('@adonisjs/redis/services/main')
    const connection = redis.connection().ioConnection
    const keys = await scanKeys(connection, `jobs::${name}::*`)
    if (keys.length) await connection.del(...keys)
  } else {
    await db.from('queue_jobs').where('queue', name).delete()
  }
}

test.group(`Cluster metrics (${env.get('QUEUE_DRIVER', 'database')} queue driver)`, (group) => {
  group.each.setup(() => {
    const saved = apiConfig.metricsToken
    apiConfig.metricsToken = 'cluster-scrape-1'
    return () => {
      apiConfig.metricsToken = saved
    }
  })

  /** What a worker process elsewhere has counted, as its publisher pushes it. */
  async function workerSnapshot(checks: number) {
    const workerRegistry = new Registry()
    const counter = new Counter({
      name: 'hdtickets_checks_total',
      help: 'Market checks by platform and outcome (ok, failed, blocked, rate_limited)',
      labelNames: ['platform', 'outcome'] as const,
      registers: [workerRegistry],
    })
    counter.inc({ platform: 'sandbox', outcome: 'ok' }, checks)
    return workerRegistry.getMetricsAsJSON()
  }

  test("a worker's counters are served by the web process, labelled with the worker", async ({
    client,
    assert,
  }) => {
    const worker = `worker@elsewhere:${process.pid + 1}`
    const gone = `worker@elsewhere:${process.pid + 2}`
    await pushSnapshot({
      id: worker,
      role: 'worker',
      at: Date.now(),
      metrics: await workerSnapshot(7),
    })
    /** A worker that stopped pushing two minutes ago has dropped out. */
    await pushSnapshot({
      id: gone,
      role: 'worker',
      at: Date.now() - 120_000,
      metrics: await workerSnapshot(3),
    })

    const scraped = await client.get('/metrics').bearerToken('cluster-scrape-1')
    scraped.assertStatus(200)
    const text = scraped.text()
    assert.include(
      text,
      `hdtickets_checks_total{platform="sandbox",outcome="ok",process="${worker}"} 7`
    )
    assert.notInclude(text, gone)
    /** This web process's own series are there too, under its own name. */
    assert.include(text, `process="${processId()}"`)
    assert.equal(text.match(/^# TYPE hdtickets_checks_total /gm)?.length, 1)
  })

  test('queue depth counts waiting jobs on the queue driver in use', async ({
    client,
    assert,
    cleanup,
  }) => {
    const queueName = `depth-${Date.now()}`
    await PruneExpiredTokens.dispatch({}).toQueue(queueName)
    await PruneExpiredTokens.dispatch({}).toQueue(queueName)
    cleanup(() => forgetQueue(queueName))
    const text = (await client.get('/metrics').bearerToken('cluster-scrape-1')).text()
    assert.include(text, `hdtickets_queue_depth{queue="${queueName}"} 2`)
    assert.include(text, `hdtickets_queue_jobs{queue="${queueName}",state="waiting"} 2`)
    assert.notMatch(text, /hdtickets_queue_depth\{[^}]*process=/, 'one figure for the cluster')
  })

  test('the embedded mode (one process) serves its own series, unlabelled', async ({
    client,
    assert,
    cleanup,
  }) => {
    await pushSnapshot({
      id: 'worker@elsewhere:1',
      role: 'worker',
      at: Date.now(),
      metrics: await workerSnapshot(5),
    })
    const saved = metricsConfig.cluster
    metricsConfig.cluster = false
    cleanup(() => {
      metricsConfig.cluster = saved
    })
    const text = (await client.get('/metrics').bearerToken('cluster-scrape-1')).text()
    assert.notInclude(text, 'process=')
    assert.include(text, '# TYPE hdtickets_checks_total counter')
    assert.include(text, '# TYPE hdtickets_queue_depth gauge')
    assert.include(text, '# TYPE hdtickets_circuit_state gauge')
  })
})
