/**
 * The dispatcher: every tick it reads the active pairs whose next check time
 * has come, ranks them with the check planner (importance-weighted
 * lateness), takes what each platform's per-second and daily quota allow in
 * this window, claims them in one statement (claimPairs: the claim is the
 * lock, a second dispatcher skips them) and queues one CheckMarkets job per
 * batch of a platform's pairs. Once a
 * minute it sets each platform's interval scale so that, together, the
 * planned intervals ask for what the platform's quota allows.
 *
 * Backpressure: it claims only while fewer than `checksMaxInFlight` pairs
 * are claimed and not yet checked. Without it a platform with a generous
 * quota had nearly every pair claimed into the queue, so a pair waited for
 * the whole backlog in arrival order (minutes, under load) instead of its
 * interval, and importance stopped counting; now the backlog stays in the
 * table, where each tick takes the most urgent first.
 */
import db from '@adonisjs/lucid/services/db'
import { hdtickets } from '#config/app'
import CheckMarkets from '#jobs/check_markets'
import { transactionWithRetry } from '#monitoring/write_retry'
import { CLAIM_MS } from '#monitoring/check_market_service'
import {
  intervalFor,
  planDueChecks,
  priorityOf,
  quotaScale,
  type EventStatus,
  type PlatformQuota,
} from '#monitoring/check_planner'

/**
 * How often due pairs are handed to the queue. A change waits for its pair's
 * next check, then for this tick and the worker's idle poll: 500 ms keeps the
 * part added to the interval small (DESIGN §5: interval + 250 ms) for one
 * indexed query per tick.
 */
export const TICK_MS = 500
const CANDIDATE_LIMIT = 5000
/** Pairs per CheckMarkets job: one fetch round, one write transaction, one rule evaluation. */
export const JOB_BATCH = 50

async function checksToday(now: Date) {
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
  const rows = await db
    .from('platform_check_stats')
    .where('bucket_start', '>=', dayStart)
    .select('platform_id')
    .sum('ok as ok')
    .sum('failed as failed')
    .sum('blocked as blocked')
    .sum('rate_limited as rate_limited')
    .groupBy('platform_id')
  return new Map(
    rows.map((row) => [
      Number(row.platform_id),
      Number(row.ok) + Number(row.failed) + Number(row.blocked) + Number(row.rate_limited),
    ])
  )
}

async function platformQuotas(now: Date) {
  const platforms = await db
    .from('platforms')
    .where('enabled', true)
    .select('id', 'slug', 'requests_per_second', 'requests_per_day')
  const used = await checksToday(now)
  const quotas: Record<string, PlatformQuota & { id: number }> = {}
  for (const platform of platforms) {
    quotas[platform.slug] = {
      id: platform.id,
      perSecond: Number(platform.requests_per_second),
      remainingToday:
        platform.requests_per_day === null
          ? null
          : Math.max(0, Number(platform.requests_per_day) - (used.get(platform.id) ?? 0)),
    }
  }
  return quotas
}

/** Pairs claimed by a dispatcher whose check has not finished (nor its claim expired). */
export async function pairsInFlight(now: Date): Promise<number> {
  const row = await db
    .from('event_sources')
    .where('claimed_until', '>', now.getTime())
    .count('* as total')
    .first()
  return Number(row?.total ?? 0)
}

export async function dispatchDueChecks(
  now = new Date(),
  windowMs = TICK_MS,
  maxInFlight = hdtickets.checksMaxInFlight
) {
  const rows = await db
    .from('event_sources')
    .join('platforms', 'platforms.id', 'event_sources.platform_id')
    .join('events', 'events.id', 'event_sources.event_id')
    .where('event_sources.state', 'active')
    .where((query) =>
      query
        .whereNull('event_sources.next_check_at')
        .orWhere('event_sources.next_check_at', '<=', now)
    )
    .orderBy('event_sources.next_check_at', 'asc')
    .limit(CANDIDATE_LIMIT)
    .select(
      'event_sources.id',
      'event_sources.next_check_at',
      'event_sources.check_interval_ms',
      'platforms.slug',
      'events.importance'
    )
  if (rows.length === 0) return 0
  /** Counted only when something is due: an idle tick stays one indexed query. */
  const room = maxInFlight - (await pairsInFlight(now))
  if (room <= 0) return 0

  const candidates = rows.map((row) => {
    const nextCheckAt = row.next_check_at ? new Date(row.next_check_at) : new Date(0)
    return {
      sourceId: row.id as number,
      platform: row.slug as string,
      nextCheckAt,
      priority: priorityOf(
        { importance: Number(row.importance), nextCheckAt, intervalMs: row.check_interval_ms },
        now
      ),
    }
  })
  /** Most urgent first: what does not fit the room waits for a later tick. */
  const chosen = planDueChecks(candidates, await platformQuotas(now), now, windowMs).slice(0, room)
  if (chosen.length === 0) return 0

  const claim = now.getTime() + CLAIM_MS
  const claimed = await claimPairs(
    chosen.map((candidate) => candidate.sourceId),
    now,
    claim
  )
  /** One job per batch of a platform's pairs, carrying the claim. */
  const byPlatform = new Map<string, number[]>()
  for (const candidate of chosen) {
    if (!claimed.has(candidate.sourceId)) continue
    const batch = byPlatform.get(candidate.platform) ?? []
    batch.push(candidate.sourceId)
    byPlatform.set(candidate.platform, batch)
  }
  for (const batch of byPlatform.values()) {
    for (let offset = 0; offset < batch.length; offset += JOB_BATCH) {
      await CheckMarkets.dispatch({ sourceIds: batch.slice(offset, offset + JOB_BATCH), claim })
    }
  }
  return claimed.size
}

/**
 * Claims the pairs that are still due, in one statement per 500 (the claim
 * is the lock: their next check time moves to the claim's expiry, and the
 * claim is written on the row for the job to find), and returns the ids
 * this call claimed — a pair another dispatcher claimed first is not among
 * them. PostgreSQL and SQLite: UPDATE … RETURNING. MySQL/MariaDB (no
 * UPDATE … RETURNING): SELECT … FOR UPDATE SKIP LOCKED, then UPDATE, in
 * one transaction.
 */
export async function claimPairs(ids: number[], now: Date, claim: number) {
  const claimUntil = new Date(claim)
  const claimed = new Set<number>()
  const sorted = [...ids].sort((a, b) => a - b)
  const due = (query: any) => query.whereNull('next_check_at').orWhere('next_check_at', '<=', now)
  for (let offset = 0; offset < sorted.length; offset += 500) {
    const chunk = sorted.slice(offset, offset + 500)
    const dialect = db.connection().dialect.name
    if (dialect === 'mysql') {
      await transactionWithRetry(async (trx) => {
        const free = (
          await trx
            .from('event_sources')
            .whereIn('id', chunk)
            .where(due)
            .orderBy('id')
            .forUpdate()
            .skipLocked()
            .select('id')
        ).map((row) => Number(row.id))
        if (free.length === 0) return
        await trx
          .from('event_sources')
          .whereIn('id', free)
          .update({ next_check_at: claimUntil, claimed_until: claim })
        for (const id of free) claimed.add(id)
      })
      continue
    }
    const rows = await db
      .from('event_sources')
      .whereIn('id', chunk)
      .where(due)
      .update({ next_check_at: claimUntil, claimed_until: claim }, ['id'])
    for (const row of rows as Array<{ id: number } | number>)
      claimed.add(Number(typeof row === 'object' ? row.id : row))
  }
  return claimed
}

/**
 * Sets each platform's interval scale from the demand of its active pairs
 * (Σ 1/interval at scale 1) and its capacity (per-second quota, and what is
 * left of the daily quota spread over the rest of the day).
 */
export async function rescaleIntervals(now = new Date()) {
  const quotas = await platformQuotas(now)
  const rows = await db
    .from('event_sources')
    .join('events', 'events.id', 'event_sources.event_id')
    .join('platforms', 'platforms.id', 'event_sources.platform_id')
    .where('event_sources.state', 'active')
    .select(
      'platforms.slug',
      'event_sources.volatility',
      'event_sources.consecutive_failures',
      'events.importance',
      'events.starts_at',
      'events.onsale_at',
      'events.status'
    )
  const demand = new Map<string, number>()
  for (const row of rows) {
    const planned = intervalFor(
      {
        importance: Number(row.importance),
        watchers: 1,
        startsAt: row.starts_at ? new Date(row.starts_at) : null,
        onsaleAt: row.onsale_at ? new Date(row.onsale_at) : null,
        status: row.status as EventStatus,
        volatility: Number(row.volatility),
        consecutiveFailures: Number(row.consecutive_failures),
      },
      now
    )
    if (planned.intervalMs)
      demand.set(row.slug, (demand.get(row.slug) ?? 0) + 1000 / planned.intervalMs)
  }
  const secondsLeftToday = Math.max(
    60,
    (Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000
  )
  for (const [slug, quota] of Object.entries(quotas)) {
    const capacity = Math.min(
      quota.perSecond,
      quota.remainingToday === null ? Infinity : quota.remainingToday / secondsLeftToday
    )
    const scale = quotaScale(demand.get(slug) ?? 0, capacity)
    await db.from('platforms').where('id', quota.id).update({ interval_scale: scale })
  }
}
