/**
 * Metrics of every process, served by any web process. Workers count
 * checks, jobs and deliveries but serve no HTTP: in the scaled mode each
 * process pushes its registry (as prom-client JSON) to a board every few
 * seconds — a Redis hash with the Redis queue driver, else the
 * `process_metrics` table — and GET /metrics answers with every fresh
 * snapshot, each series labelled `process="<role>@<host>:<pid>"`, plus
 * the cluster-wide gauges (queue depth, quotas, circuits) once. Prometheus
 * scrapes one target (any web process, or the proxy) for the whole cluster.
 */
import { hostname } from 'node:os'
import { AggregatorRegistry, Registry } from 'prom-client'
import type { MetricObjectWithValues, MetricValue } from 'prom-client'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import metricsConfig from '#config/metrics'
import { clusterRegistry, registry } from '#monitoring/metrics'

type MetricJson = MetricObjectWithValues<MetricValue<string>>

export interface ProcessSnapshot {
  id: string
  role: string
  at: number
  metrics: MetricJson[]
}

interface MetricsBoard {
  push(snapshot: ProcessSnapshot): Promise<void>
  /** Snapshots pushed within `maxAgeMs`; older ones are deleted. */
  fresh(maxAgeMs: number): Promise<ProcessSnapshot[]>
}

const REDIS_KEY = 'metrics:processes'

class RedisBoard implements MetricsBoard {
  async #connection() {
    const redis = await app.container.make('redis')
    return redis.connection('main')
  }

  async push(snapshot: ProcessSnapshot) {
    await (await this.#connection()).hset(REDIS_KEY, snapshot.id, JSON.stringify(snapshot))
  }

  async fresh(maxAgeMs: number) {
    const connection = await this.#connection()
    const all = await connection.hgetall(REDIS_KEY)
    const now = Date.now()
    const fresh: ProcessSnapshot[] = []
    const stale: string[] = []
    for (const [id, text] of Object.entries(all)) {
      const snapshot = parseSnapshot(text)
      if (snapshot && now - snapshot.at <= maxAgeMs) fresh.push(snapshot)
      else stale.push(id)
    }
    if (stale.length) await connection.hdel(REDIS_KEY, ...stale)
    return fresh
  }
}

class DatabaseBoard implements MetricsBoard {
  async push(snapshot: ProcessSnapshot) {
    await db
      .table('process_metrics')
      .insert({
        id: snapshot.id,
        role: snapshot.role,
        pushed_at: snapshot.at,
        snapshot: JSON.stringify(snapshot),
      })
      .onConflict('id')
      .merge(['role', 'pushed_at', 'snapshot'])
  }

  async fresh(maxAgeMs: number) {
    const oldest = Date.now() - maxAgeMs
    await db.from('process_metrics').where('pushed_at', '<', oldest).delete()
    const rows = await db
      .from('process_metrics')
      .where('pushed_at', '>=', oldest)
      .select('snapshot')
    return rows.map((row) => parseSnapshot(row.snapshot)).filter((s) => s !== null)
  }
}

function parseSnapshot(text: string): ProcessSnapshot | null {
  try {
    const snapshot = JSON.parse(text)
    return Array.isArray(snapshot?.metrics) && typeof snapshot.id === 'string' ? snapshot : null
  } catch {
    return null
  }
}

let board: MetricsBoard | null = null
function metricsBoard(): MetricsBoard {
  board ??= metricsConfig.board === 'redis' ? new RedisBoard() : new DatabaseBoard()
  return board
}

let role = 'web'

/** This process on the board and in the `process` label: role@host:pid. */
export function processId() {
  return `${role}@${hostname()}:${process.pid}`
}

async function ownSnapshot(): Promise<ProcessSnapshot> {
  return { id: processId(), role, at: Date.now(), metrics: await registry.getMetricsAsJSON() }
}

/** Pushes this process's metrics to the board now. */
export async function pushMetrics() {
  await pushSnapshot(await ownSnapshot())
}

/** Puts a process's snapshot on the board (what every process's publisher does). */
export async function pushSnapshot(snapshot: ProcessSnapshot) {
  await metricsBoard().push(snapshot)
}

/**
 * Pushes this process's metrics every `pushIntervalMs` (and once more when
 * it terminates), in the scaled mode. Web processes and `queue:work` call
 * it at start (start/metrics.ts); any other long-running role should too.
 */
export function startMetricsPublisher(asRole: string) {
  role = asRole
  if (!metricsConfig.cluster) return
  let failing = false
  const push = () =>
    pushMetrics().then(
      () => (failing = false),
      (error) => {
        if (!failing) logger.warn({ err: error }, 'could not push metrics; retrying')
        failing = true
      }
    )
  void push()
  const timer = setInterval(push, metricsConfig.pushIntervalMs)
  timer.unref()
  app.terminating(async () => {
    clearInterval(timer)
    await pushMetrics().catch(() => {})
  })
}

/** Adds `process="<id>"` to every series; labels are then unique per process, so summing keeps each as is. */
function labelled(snapshot: Pick<ProcessSnapshot, 'id' | 'metrics'>): MetricJson[] {
  return snapshot.metrics.map((metric) => ({
    ...metric,
    aggregator: 'sum',
    values: metric.values.map((value) => ({
      ...value,
      labels: { ...value.labels, process: snapshot.id },
    })),
  }))
}

/** The Prometheus text GET /metrics answers. */
export async function metricsText(): Promise<string> {
  if (!metricsConfig.cluster) return Registry.merge([registry, clusterRegistry]).metrics()
  const own = await ownSnapshot()
  let others: ProcessSnapshot[] = []
  try {
    others = (await metricsBoard().fresh(metricsConfig.maxAgeMs)).filter((s) => s.id !== own.id)
  } catch (error) {
    logger.warn({ err: error }, 'metrics board unreadable: serving this process only')
  }
  const shared = (await clusterRegistry.getMetricsAsJSON()).map((metric) => ({
    ...metric,
    aggregator: 'sum' as const,
  }))
  return AggregatorRegistry.aggregate([
    ...[own, ...others].map(labelled),
    shared as MetricJson[],
  ]).metrics()
}

export const metricsContentType = registry.contentType
