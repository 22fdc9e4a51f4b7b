/**
 * Source health: every check's outcome and latency is counted in memory and
 * added to the platform's hourly row every few seconds (one statement per
 * platform and hour, atomic across workers). The health view reads success
 * rate, latency percentiles (from the histogram buckets), checks today and
 * the sources that are blocked, paused or failing.
 */
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { recentNotices } from '#monitoring/platform_notices'

export const LATENCY_BOUNDS = [50, 100, 250, 500, 1000, 2500] as const
const COLUMNS = [...LATENCY_BOUNDS.map((bound) => `lat_le_${bound}`), 'lat_gt_2500']

export type CheckKind = 'ok' | 'failed' | 'blocked' | 'rate_limited'

interface Counter {
  ok: number
  failed: number
  blocked: number
  rate_limited: number
  latency: number[]
}

function hourOf(date: Date) {
  return new Date(Math.floor(date.getTime() / 3_600_000) * 3_600_000)
}

export class HealthRecorder {
  #counters = new Map<string, Counter>()
  #timer: NodeJS.Timeout | null = null

  constructor(private flushMs = 5000) {}

  record(platformId: number, kind: CheckKind, latencyMs: number, at = new Date()) {
    const key = `${platformId}|${hourOf(at).toISOString()}`
    let counter = this.#counters.get(key)
    if (!counter) {
      counter = {
        ok: 0,
        failed: 0,
        blocked: 0,
        rate_limited: 0,
        latency: new Array(COLUMNS.length).fill(0),
      }
      this.#counters.set(key, counter)
    }
    counter[kind]++
    let index = LATENCY_BOUNDS.findIndex((bound) => latencyMs <= bound)
    if (index === -1) index = LATENCY_BOUNDS.length
    counter.latency[index]++
    this.#timer ??= setTimeout(() => {
      this.#timer = null
      this.flush().catch((error) => logger.error({ err: error }, 'could not write source health'))
    }, this.flushMs)
  }

  async flush() {
    if (this.#counters.size === 0) return
    const batch = this.#counters
    this.#counters = new Map()
    for (const [key, counter] of batch) {
      const [platformId, bucket] = key.split('|')
      const row: Record<string, unknown> = {
        platform_id: Number(platformId),
        bucket_start: new Date(bucket),
        ok: counter.ok,
        failed: counter.failed,
        blocked: counter.blocked,
        rate_limited: counter.rate_limited,
      }
      COLUMNS.forEach((column, index) => (row[column] = counter.latency[index]))
      const increments: Record<string, unknown> = {}
      for (const column of ['ok', 'failed', 'blocked', 'rate_limited', ...COLUMNS]) {
        increments[column] = db.raw(`platform_check_stats.${column} + ?`, [row[column] as number])
      }
      await db
        .table('platform_check_stats')
        .insert(row)
        .onConflict(['platform_id', 'bucket_start'])
        .merge(increments)
    }
  }
}

export const healthRecorder = new HealthRecorder()

/** The latency below which `share` of the checks finished, read from the buckets (upper bound). */
export function percentileFromBuckets(buckets: number[], share: number): number | null {
  const total = buckets.reduce((sum, count) => sum + count, 0)
  if (total === 0) return null
  let seen = 0
  for (const [index, bucket] of buckets.entries()) {
    seen += bucket
    if (seen / total >= share)
      return index < LATENCY_BOUNDS.length ? LATENCY_BOUNDS[index] : Number.POSITIVE_INFINITY
  }
  return Number.POSITIVE_INFINITY
}

export async function sourceHealth(now = new Date()) {
  const since = new Date(now.getTime() - 24 * 3_600_000)
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
  const platforms = await db
    .from('platforms')
    .orderBy('name')
    .select('id', 'slug', 'name', 'enabled', 'requests_per_day')
  const stats = await db.from('platform_check_stats').where('bucket_start', '>=', since)
  const sourceStates = await db
    .from('event_sources')
    .select('platform_id', 'state')
    .count('* as total')
    .groupBy('platform_id', 'state')
  const failing = await db
    .from('event_sources')
    .join('events', 'events.id', 'event_sources.event_id')
    .where((query) =>
      query
        .whereIn('event_sources.state', ['blocked', 'paused'])
        .orWhere('event_sources.consecutive_failures', '>', 0)
        .orWhereNotNull('event_sources.payload_warning')
    )
    .orderBy('event_sources.updated_at', 'desc')
    .limit(50)
    .select(
      'event_sources.id',
      'event_sources.platform_id',
      'event_sources.state',
      'event_sources.state_reason',
      'event_sources.last_error',
      'event_sources.consecutive_failures',
      'event_sources.last_checked_at',
      'event_sources.payload_warning',
      'events.id as event_id',
      'events.name as event_name'
    )

  return {
    platforms: platforms.map((platform) => {
      const rows = stats.filter((row) => row.platform_id === platform.id)
      const sum = (column: string, from = since) =>
        rows
          .filter((row) => new Date(row.bucket_start) >= from)
          .reduce((total, row) => total + Number(row[column]), 0)
      const ok = sum('ok')
      const failed = sum('failed') + sum('blocked') + sum('rate_limited')
      const buckets = COLUMNS.map((column) => sum(column))
      const states = Object.fromEntries(
        sourceStates
          .filter((row) => row.platform_id === platform.id)
          .map((row) => [row.state, Number(row.total)])
      )
      const lastError =
        failing.find((row) => row.platform_id === platform.id && row.last_error)?.last_error ?? null
      return {
        id: platform.id,
        slug: platform.slug,
        name: platform.name,
        enabled: Boolean(platform.enabled),
        checks24h: ok + failed,
        successRate: ok + failed === 0 ? null : ok / (ok + failed),
        latencyMs: {
          p50: percentileFromBuckets(buckets, 0.5),
          p95: percentileFromBuckets(buckets, 0.95),
          p99: percentileFromBuckets(buckets, 0.99),
        },
        checksToday:
          sum('ok', dayStart) +
          sum('failed', dayStart) +
          sum('blocked', dayStart) +
          sum('rate_limited', dayStart),
        dailyQuota: platform.requests_per_day,
        sources: {
          active: states.active ?? 0,
          paused: states.paused ?? 0,
          blocked: states.blocked ?? 0,
          gone: states.gone ?? 0,
        },
        lastError,
      }
    }),
    notices: await recentNotices(now),
    problems: failing.map((row) => ({
      id: row.id,
      platformId: row.platform_id,
      eventId: row.event_id,
      eventName: row.event_name,
      state: row.state,
      reason: row.state_reason ?? row.last_error,
      /** What the last read left out (invalid structured-data blocks, skipped listings) */
      warning: row.payload_warning ?? null,
      consecutiveFailures: row.consecutive_failures,
      lastCheckedAt: row.last_checked_at ? new Date(row.last_checked_at).toISOString() : null,
    })),
  }
}
