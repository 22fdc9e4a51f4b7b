/**
 * The dispatcher: every tick it reads the active pairs whose next check time
 * has come, ranks them with the check planner (importance-weighted
 * lateness), takes what each platform's per-second and daily quota allow in
 * this window, claims them (their next time pushed ahead so a second
 * dispatcher skips them) and queues CheckTicketAvailability jobs. Once a
 * minute it sets each platform's interval scale so that, together, the
 * planned intervals ask for what the platform's quota allows.
 */
import db from '@adonisjs/lucid/services/db'
import CheckTicketAvailability from '#jobs/check_ticket_availability'
import MonitorPriceChanges from '#jobs/monitor_price_changes'
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

export async function dispatchDueChecks(now = new Date(), windowMs = TICK_MS) {
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
      'platforms.capabilities',
      'events.importance'
    )
  if (rows.length === 0) return 0

  const summaryOnly = new Set(
    rows
      .filter((row) => {
        const capabilities =
          typeof row.capabilities === 'string' ? JSON.parse(row.capabilities) : row.capabilities
        return !capabilities?.listings
      })
      .map((row) => row.slug as string)
  )
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
  const chosen = planDueChecks(candidates, await platformQuotas(now), now, windowMs)
  if (chosen.length === 0) return 0

  const ids = chosen.map((candidate) => candidate.sourceId)
  const claimUntil = new Date(now.getTime() + CLAIM_MS)
  for (let offset = 0; offset < ids.length; offset += 500) {
    await db
      .from('event_sources')
      .whereIn('id', ids.slice(offset, offset + 500))
      .where((query) => query.whereNull('next_check_at').orWhere('next_check_at', '<=', now))
      .update({ next_check_at: claimUntil })
  }
  /** Listing-level platforms: one job per pair. Summary-only platforms: batches of 20. */
  const batches = new Map<string, number[]>()
  for (const candidate of chosen) {
    if (!summaryOnly.has(candidate.platform)) {
      await CheckTicketAvailability.dispatch({ sourceId: candidate.sourceId })
      continue
    }
    const batch = batches.get(candidate.platform) ?? []
    batch.push(candidate.sourceId)
    if (batch.length === 20) {
      await MonitorPriceChanges.dispatch({ sourceIds: batch })
      batches.set(candidate.platform, [])
    } else {
      batches.set(candidate.platform, batch)
    }
  }
  for (const batch of batches.values())
    if (batch.length) await MonitorPriceChanges.dispatch({ sourceIds: batch })
  return ids.length
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
