/**
 * What the queue holds, by queue and state (waiting, delayed, active,
 * failed), the failed jobs with their reason, and retrying them. Works on
 * both @adonisjs/queue drivers: the adapter contract only counts pending
 * jobs and retries active ones, so this reads the drivers' own storage —
 * the `queue_jobs` table of the database driver, the `jobs::<queue>::*`
 * keys of the Redis driver — and retries a failed job the way the drivers
 * queue a new one (pending, scored by priority then time, attempts reset).
 */
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type { Redis } from 'ioredis'
import { apiErrors } from '#exceptions/catalogue'

export type QueueCounts = {
  queue: string
  waiting: number
  delayed: number
  active: number
  failed: number
}
export type FailedJob = {
  id: string
  queue: string
  name: string
  attempts: number
  error: string | null
  failedAt: string | null
}
export type QueueOverview = {
  driver: 'database' | 'redis'
  queues: QueueCounts[]
  failed: FailedJob[]
}

/** The queues the workers listen to, shown even when empty. */
export const KNOWN_QUEUES = ['purchases', 'notifications', 'default', 'checks']
const TABLE = 'queue_jobs'
const DEFAULT_PRIORITY = 5
const PRIORITY_SCORE_MULTIPLIER = 1e13
const score = (priority: number | undefined) =>
  (priority ?? DEFAULT_PRIORITY) * PRIORITY_SCORE_MULTIPLIER + Date.now()

function parse(data: string | null | undefined): Record<string, any> {
  try {
    return data ? JSON.parse(data) : {}
  } catch {
    return {}
  }
}
const iso = (ms: unknown) =>
  ms === null || ms === undefined || ms === '' ? null : new Date(Number(ms)).toISOString()
const notFound = () =>
  new apiErrors.E_NOT_FOUND('No such failed job (it may have been retried or pruned already)')

/**
 * Keys matching `pattern`, as the connection names them: SCAN's pattern and
 * answer carry the connection's key prefix (REDIS_PREFIX), other commands
 * add it themselves.
 */
export async function scanKeys(connection: Redis, pattern: string): Promise<string[]> {
  const prefix = connection.options.keyPrefix ?? ''
  const found: string[] = []
  let cursor = '0'
  do {
    const [next, keys] = await connection.scan(cursor, 'MATCH', `${prefix}${pattern}`, 'COUNT', 500)
    cursor = next
    for (const key of keys) found.push(key.slice(prefix.length))
  } while (cursor !== '0')
  return found
}

export default class QueueMonitor {
  readonly driver: 'database' | 'redis'

  constructor(driver?: 'database' | 'redis') {
    this.driver =
      driver ?? (app.config.get<any>('queue').default === 'redis' ? 'redis' : 'database')
  }

  async overview(limit = 50): Promise<QueueOverview> {
    return this.driver === 'redis' ? this.#redisOverview(limit) : this.#databaseOverview(limit)
  }

  /** Puts one failed job back in its queue; false when there was no such failed job. */
  async retry(queue: string, id: string): Promise<void> {
    const done =
      this.driver === 'redis'
        ? await this.#redisRetry(queue, id)
        : await this.#databaseRetry(queue, id)
    if (!done) throw notFound()
  }

  /** Every failed job of a queue (or of all queues) back to waiting; returns how many. */
  async retryAll(queue?: string): Promise<number> {
    const { failed } = await this.overview(1000)
    let count = 0
    for (const job of failed) {
      if (queue && job.queue !== queue) continue
      const done =
        this.driver === 'redis'
          ? await this.#redisRetry(job.queue, job.id)
          : await this.#databaseRetry(job.queue, job.id)
      if (done) count++
    }
    return count
  }

  async #databaseOverview(limit: number): Promise<QueueOverview> {
    const { queues } = await this.#databaseCounts()
    const failed = await db
      .from(TABLE)
      .where('status', 'failed')
      .orderBy('finished_at', 'desc')
      .limit(limit)
    return {
      driver: 'database',
      queues,
      failed: failed.map((row) => {
        const data = parse(row.data)
        return {
          id: String(row.id),
          queue: row.queue,
          name: String(data.name ?? 'unknown'),
          attempts: Number(data.attempts ?? 0),
          error: row.error ?? null,
          failedAt: iso(row.finished_at),
        }
      }),
    }
  }

  async #databaseCounts() {
    const rows = await db
      .from(TABLE)
      .select('queue', 'status')
      .count('* as total')
      .groupBy('queue', 'status')
    const byQueue = new Map<string, QueueCounts>(
      KNOWN_QUEUES.map((queue) => [queue, { queue, waiting: 0, delayed: 0, active: 0, failed: 0 }])
    )
    for (const row of rows) {
      const counts = byQueue.get(row.queue) ?? {
        queue: row.queue,
        waiting: 0,
        delayed: 0,
        active: 0,
        failed: 0,
      }
      byQueue.set(row.queue, counts)
      const total = Number(row.total)
      if (row.status === 'pending') counts.waiting += total
      else if (row.status === 'delayed') counts.delayed += total
      else if (row.status === 'active') counts.active += total
      else if (row.status === 'failed') counts.failed += total
    }
    return { queues: [...byQueue.values()] }
  }

  async #databaseRetry(queue: string, id: string) {
    const row = await db.from(TABLE).where({ id, queue, status: 'failed' }).first()
    if (!row) return false
    const data = parse(row.data)
    data.attempts = 0
    const updated = await db
      .from(TABLE)
      .where({ id, queue, status: 'failed' })
      .update({
        status: 'pending',
        data: JSON.stringify(data),
        score: score(data.priority),
        worker_id: null,
        acquired_at: null,
        execute_at: null,
        finished_at: null,
        error: null,
      })
    return Number(Array.isArray(updated) ? updated[0] : updated) > 0
  }

  async #redis(): Promise<Redis> {
    const redis = await app.container.make('redis')
    return redis.connection('main').ioConnection
  }

  static keys(queue: string) {
    const base = `jobs::${queue}`
    return {
      data: `${base}::data`,
      pending: `${base}::pending`,
      delayed: `${base}::delayed`,
      active: `${base}::active`,
      overlay: `${base}::metadata`,
      failed: `${base}::failed`,
      failedIndex: `${base}::failed::index`,
    }
  }

  async #redisQueues(connection: Redis) {
    const names = new Set(KNOWN_QUEUES)
    for (const key of await scanKeys(connection, 'jobs::*::data'))
      names.add(key.slice('jobs::'.length, -'::data'.length))
    return [...names]
  }

  /** Jobs per queue and state (the `hdtickets_queue_*` gauges). */
  async counts(): Promise<QueueCounts[]> {
    const { queues } = await (this.driver === 'redis'
      ? this.#redisCounts()
      : this.#databaseCounts())
    return queues
  }

  async #redisCounts() {
    const connection = await this.#redis()
    const queues: QueueCounts[] = []
    for (const queue of await this.#redisQueues(connection)) {
      const keys = QueueMonitor.keys(queue)
      const [waiting, delayed, active, failed] = await Promise.all([
        connection.zcard(keys.pending),
        connection.zcard(keys.delayed),
        connection.hlen(keys.active),
        connection.zcard(keys.failedIndex),
      ])
      queues.push({ queue, waiting, delayed, active, failed })
    }
    return { queues }
  }

  async #redisOverview(limit: number): Promise<QueueOverview> {
    const connection = await this.#redis()
    const { queues } = await this.#redisCounts()
    const failed: FailedJob[] = []
    for (const { queue, failed: failedCount } of queues) {
      const keys = QueueMonitor.keys(queue)
      if (!failedCount) continue
      const ids = await connection.zrevrange(keys.failedIndex, 0, limit - 1)
      const [records, datas, overlays] = await Promise.all([
        connection.hmget(keys.failed, ...ids),
        connection.hmget(keys.data, ...ids),
        connection.hmget(keys.overlay, ...ids),
      ])
      ids.forEach((id, index) => {
        const record = parse(records[index])
        const data = parse(datas[index])
        const overlay = parse(overlays[index])
        failed.push({
          id,
          queue,
          name: String(data.name ?? 'unknown'),
          attempts: Number(overlay.attempts ?? data.attempts ?? 0),
          error: record.error ?? null,
          failedAt: iso(record.finishedAt),
        })
      })
    }
    failed.sort((a, b) => (b.failedAt ?? '').localeCompare(a.failedAt ?? ''))
    return { driver: 'redis', queues, failed: failed.slice(0, limit) }
  }

  async #redisRetry(queue: string, id: string) {
    const connection = await this.#redis()
    const keys = QueueMonitor.keys(queue)
    const raw = await connection.hget(keys.data, id)
    if (raw === null || (await connection.zscore(keys.failedIndex, id)) === null) return false
    const data = parse(raw)
    const overlay = parse(await connection.hget(keys.overlay, id))
    overlay.attempts = 0
    delete overlay.stalledCount
    const results = await connection
      .multi()
      .zrem(keys.failedIndex, id)
      .hdel(keys.failed, id)
      .hset(keys.overlay, id, JSON.stringify(overlay))
      .zadd(keys.pending, score(data.priority), id)
      .exec()
    /** Another admin retried it between the read and the transaction: it was removed once, by them. */
    return Number(results?.[0]?.[1] ?? 0) > 0
  }
}
