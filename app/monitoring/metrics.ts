/**
 * Prometheus metrics (prom-client), scraped at GET /metrics. Domain code
 * calls the small `record*` functions below at one clearly marked place
 * each. Two registries:
 * - `registry`: what this process counts (checks, jobs, deliveries, SSE…).
 *   In the scaled mode every process pushes it to the metrics board and any
 *   web process serves them all, labelled `process` (cluster_metrics.ts).
 * - `clusterRegistry`: gauges that describe shared state (queue depth,
 *   quotas, circuits), read from the database, Redis or the limiter store
 *   when scraped — once for the whole cluster, unlabelled.
 *
 * - hdtickets_checks_total{platform,outcome}          check_market_service
 * - hdtickets_check_duration_seconds{platform}        check_market_service
 * - hdtickets_platform_requests_total{platform}        connectors' http_transport (quota use)
 * - hdtickets_job_duration_seconds{job,outcome}        jobs (timeJob)
 * - hdtickets_db_deadlocks_total{dialect}              write_retry (a deadlocked batch write, retried)
 * - hdtickets_notification_deliveries_total{channel,outcome}  recordDelivery (notifications)
 * - hdtickets_purchases_total{outcome}                 purchase events (start/metrics.ts)
 * - hdtickets_sse_connections                          Transmit connect/disconnect (start/metrics.ts)
 * - hdtickets_platform_daily_quota{platform}           platforms.requests_per_day (scrape)
 * - hdtickets_queue_depth{queue}                       jobs waiting, database or Redis driver (scrape)
 * - hdtickets_queue_jobs{queue,state}                  jobs by state: waiting, delayed, active, failed (scrape)
 * - hdtickets_circuit_state{platform}                  0 closed, 1 half-open, 2 open (scrape)
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import db from '@adonisjs/lucid/services/db'

export const registry = new Registry()
collectDefaultMetrics({ register: registry, prefix: 'hdtickets_process_' })

export const clusterRegistry = new Registry()

const checks = new Counter({
  name: 'hdtickets_checks_total',
  help: 'Market checks by platform and outcome (ok, failed, blocked, rate_limited)',
  labelNames: ['platform', 'outcome'] as const,
  registers: [registry],
})

const checkDuration = new Histogram({
  name: 'hdtickets_check_duration_seconds',
  help: 'Market check latency (fetch, parse, diff, persist)',
  labelNames: ['platform'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
})

const platformRequests = new Counter({
  name: 'hdtickets_platform_requests_total',
  help: 'Requests sent to a platform (granted by its rate limit): quota use is increase(...[24h]) / hdtickets_platform_daily_quota',
  labelNames: ['platform'] as const,
  registers: [registry],
})

const jobDuration = new Histogram({
  name: 'hdtickets_job_duration_seconds',
  help: 'Queue job run time by job and outcome',
  labelNames: ['job', 'outcome'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
})

const deadlocks = new Counter({
  name: 'hdtickets_db_deadlocks_total',
  help: 'Transactions the database ended as a deadlock victim (PostgreSQL 40P01, MySQL ER_LOCK_DEADLOCK); each is retried',
  labelNames: ['dialect'] as const,
  registers: [registry],
})

const deliveries = new Counter({
  name: 'hdtickets_notification_deliveries_total',
  help: 'Notification deliveries by channel (mail, sms, push, webhook, slack, discord, in_app) and outcome (sent, failed, retried, skipped)',
  labelNames: ['channel', 'outcome'] as const,
  registers: [registry],
})

const purchases = new Counter({
  name: 'hdtickets_purchases_total',
  help: 'Purchase requests that ended, by outcome (succeeded, failed)',
  labelNames: ['outcome'] as const,
  registers: [registry],
})

const sseConnections = new Gauge({
  name: 'hdtickets_sse_connections',
  help: 'Open Server-Sent Events connections on this process',
  registers: [registry],
})

/** Read when scraped; a store that cannot be read leaves its series out rather than failing the scrape. */
async function queueCounts() {
  const { default: QueueMonitor } = await import('#services/queue_monitor')
  return new QueueMonitor().counts()
}

new Gauge({
  name: 'hdtickets_queue_depth',
  help: 'Jobs waiting to run in each queue (database or Redis queue driver)',
  labelNames: ['queue'] as const,
  registers: [clusterRegistry],
  async collect() {
    this.reset()
    const counts = await queueCounts().catch(() => [])
    for (const { queue, waiting } of counts) this.set({ queue }, waiting)
  },
})

new Gauge({
  name: 'hdtickets_queue_jobs',
  help: 'Jobs in each queue by state (waiting, delayed, active, failed)',
  labelNames: ['queue', 'state'] as const,
  registers: [clusterRegistry],
  async collect() {
    this.reset()
    const counts = await queueCounts().catch(() => [])
    for (const { queue, ...states } of counts)
      for (const [state, total] of Object.entries(states)) this.set({ queue, state }, total)
  },
})

new Gauge({
  name: 'hdtickets_platform_daily_quota',
  help: "A platform's published daily request quota",
  labelNames: ['platform'] as const,
  registers: [clusterRegistry],
  async collect() {
    this.reset()
    const rows = await db
      .from('platforms')
      .whereNotNull('requests_per_day')
      .select('slug', 'requests_per_day')
    for (const row of rows as any[]) this.set({ platform: row.slug }, Number(row.requests_per_day))
  },
})

const CIRCUIT_VALUES = { 'closed': 0, 'half-open': 1, 'open': 2 } as const

type CircuitState = keyof typeof CIRCUIT_VALUES
type CircuitReader = (slugs: string[]) => Promise<Record<string, { state: CircuitState }>>
let readCircuits: CircuitReader | null = null

/**
 * Where the circuit gauge reads each platform's circuit (the connectors'
 * shared breaker): installed by start/metrics.ts, so that these metrics,
 * which the connectors' transport records into, do not import the connectors.
 */
export function useCircuitReader(reader: CircuitReader | null) {
  readCircuits = reader
}

new Gauge({
  name: 'hdtickets_circuit_state',
  help: "Each platform's circuit, shared by every worker: 0 closed, 1 half-open (one probe), 2 open (calls fail fast)",
  labelNames: ['platform'] as const,
  registers: [clusterRegistry],
  async collect() {
    this.reset()
    if (!readCircuits) return
    try {
      const slugs = (await db.from('platforms').select('slug')).map((row: any) => row.slug)
      for (const [platform, circuit] of Object.entries(await readCircuits(slugs)))
        this.set({ platform }, CIRCUIT_VALUES[circuit.state])
    } catch {
      /** The limiter store is unreachable: no series rather than a failed scrape. */
    }
  },
})

export function recordCheck(platform: string, outcome: string, latencyMs: number) {
  checks.inc({ platform, outcome })
  checkDuration.observe({ platform }, latencyMs / 1000)
}

export function recordDeadlock(dialect: string) {
  deadlocks.inc({ dialect })
}

export function recordPlatformRequest(platform: string) {
  platformRequests.inc({ platform })
}

/** For the notifications module: one call per delivery attempt that ended. */
export function recordDelivery(
  channel: string,
  outcome: 'sent' | 'failed' | 'retried' | 'skipped' | (string & {})
) {
  deliveries.inc({ channel, outcome })
}

export function recordPurchase(outcome: 'succeeded' | 'failed') {
  purchases.inc({ outcome })
}

export function sseConnected(delta: 1 | -1) {
  sseConnections.inc(delta)
}

/** Runs a job body and records its duration and outcome. */
export async function timeJob<T>(
  job: string,
  run: () => Promise<T>,
  outcomeOf: (result: T) => string = () => 'done'
): Promise<T> {
  const end = jobDuration.startTimer({ job })
  try {
    const result = await run()
    end({ outcome: outcomeOf(result) })
    return result
  } catch (error) {
    end({ outcome: 'error' })
    throw error
  }
}
