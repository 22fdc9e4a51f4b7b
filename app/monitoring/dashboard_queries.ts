/**
 * What the dashboard shows a user: the events their rules watch (lowest
 * price now, change since yesterday, listings), their latest alerts,
 * purchases awaiting approval, source health and queue health.
 */
import db from '@adonisjs/lucid/services/db'
import app from '@adonisjs/core/services/app'
import { sourceHealth } from '#monitoring/source_health'
import { watchedEventIds } from '#analytics/watched_events'
import { readEventRollups, type EventRollup } from '#analytics/event_rollup'
import { sampleLowest } from '#analytics/price_series'
import { isoTime } from '#purchasing/sql'
import { dashboardVersions } from '#monitoring/dashboard_cache'

function lowestOf(rollup: EventRollup | undefined) {
  return rollup?.lowest === null || rollup?.lowest === undefined
    ? null
    : { amountMinor: rollup.lowest, currency: 'USD' }
}

export default class DashboardQueries {
  /**
   * The user's panels come from app/monitoring/dashboard_cache.ts while
   * nothing they show changed; source and queue health are the readings
   * every dashboard of the process shares.
   */
  async forUser(userId: number, canSeeOthers: boolean) {
    const now = new Date()
    const [own, health, queue] = await Promise.all([
      dashboardVersions.reuse(`${userId}:${canSeeOthers ? 'all' : 'own'}`, userId, () =>
        this.panels(userId, canSeeOthers)
      ),
      recentSourceHealth(now),
      recentQueueHealth(now),
    ])
    return {
      ...own,
      sources: health.platforms
        .filter((platform) => platform.checks24h > 0 || platform.sources.active > 0)
        .map((platform) => ({
          name: platform.name,
          successRate: platform.successRate,
          blocked: platform.sources.blocked,
          active: platform.sources.active,
        })),
      queue,
    }
  }

  /** The user's own panels, from the database, and the events they depend on. */
  async panels(userId: number, canSeeOthers: boolean) {
    const ids = await watchedEventIds(userId, 20)
    const now = new Date()
    const dayAgo = new Date(now.getTime() - 86_400_000)
    const nowMs = now.getTime()
    /**
     * The events' figures as the market writer keeps them (app/analytics/
     * event_rollup.ts): lowest price and listings now, and the lowest price
     * over the last 7 days as steps, instead of a replay of the history.
     */
    const [watched, rollups] = await Promise.all([
      ids.length
        ? db
            .from('events')
            .whereIn('id', ids)
            .orderBy('starts_at')
            .select('id', 'name', 'starts_at', 'timezone', 'status')
        : [],
      readEventRollups(ids, nowMs - 7 * 86_400_000, nowMs),
    ])
    const lowestYesterday = new Map<number, number | null>()
    const sparklines = new Map<number, Array<number | null>>()
    for (const [id, entry] of rollups) {
      const before = entry.lowestSteps.filter((point) => point.at <= dayAgo.getTime())
      lowestYesterday.set(id, before.length ? before[before.length - 1].lowest : null)
      /** 48 steps from where the history starts (at most 7 days back). */
      const firstAt = entry.lowestSteps.find((point) => point.lowest !== null)?.at
      const start =
        firstAt === undefined
          ? nowMs - 7 * 86_400_000
          : Math.max(nowMs - 7 * 86_400_000, firstAt - 1)
      sparklines.set(
        id,
        sampleLowest(
          entry.lowestSteps,
          start,
          nowMs,
          Math.max(60_000, Math.ceil((nowMs - start) / 48))
        )
      )
    }

    const pendingQuery = db
      .from('purchase_requests')
      .join('events', 'events.id', 'purchase_requests.event_id')
      .where('purchase_requests.status', 'pending_approval')
      .orderBy('purchase_requests.id', 'desc')
      .limit(10)
      .select(
        'purchase_requests.id',
        'purchase_requests.quantity',
        'purchase_requests.max_price_minor',
        'purchase_requests.currency',
        'events.name as event_name'
      )
    if (!canSeeOthers) pendingQuery.where('purchase_requests.user_id', userId)

    const [alerts, pending] = await Promise.all([latestAlerts(userId), pendingQuery])
    const value = {
      watched: watched.map((row) => ({
        id: row.id,
        name: row.name,
        startsAt: row.starts_at ? new Date(row.starts_at).toISOString() : null,
        timezone: row.timezone,
        status: row.status,
        available: rollups.get(row.id)?.listings ?? 0,
        lowest: lowestOf(rollups.get(row.id)),
        lowestYesterdayMinor: lowestYesterday.get(row.id) ?? null,
        sparkline: sparklines.get(row.id) ?? [],
      })),
      alerts,
      pendingPurchases: pending.map((row) => ({
        id: row.id,
        eventName: row.event_name,
        quantity: row.quantity,
        maxPrice: { amountMinor: row.max_price_minor, currency: row.currency },
      })),
    }
    return { value, eventIds: ids }
  }
}

/**
 * The 8 latest alerts, with what the panel shows of them (event, reason,
 * price, when): one query, no delivery receipts (the alerts page has them).
 */
async function latestAlerts(userId: number) {
  const rows = await db
    .from('alerts')
    .leftJoin('events', 'events.id', 'alerts.event_id')
    .where('alerts.user_id', userId)
    .orderBy('alerts.id', 'desc')
    .limit(8)
    .select(
      'alerts.id',
      'alerts.type',
      'alerts.event_id',
      'alerts.price_minor',
      'alerts.currency',
      'alerts.reason',
      'alerts.detected_at',
      'events.name as event_name'
    )
  return rows.map((row) => ({
    id: Number(row.id),
    type: row.type as string,
    eventId: row.event_id as number | null,
    eventName: (row.event_name ?? null) as string | null,
    price:
      row.price_minor === null
        ? null
        : { amountMinor: Number(row.price_minor), currency: row.currency as string },
    reason: (typeof row.reason === 'string' ? JSON.parse(row.reason) : row.reason) as {
      text?: string
    },
    detectedAt: isoTime(row.detected_at),
  }))
}

/**
 * Source health scans every source (counts by platform and state): on a
 * busy deployment that was most of a dashboard request. Every dashboard in
 * the process shares one reading for up to 5 s.
 */
let healthCache: { at: number; value: Promise<Awaited<ReturnType<typeof sourceHealth>>> } | null =
  null
function recentSourceHealth(now: Date) {
  if (!healthCache || now.getTime() - healthCache.at > 5_000 || now.getTime() < healthCache.at) {
    const value = sourceHealth(now)
    healthCache = { at: now.getTime(), value }
    value.catch(() => (healthCache = null))
  }
  return healthCache.value
}

/** Queue counts, like source health: one reading for every dashboard of the process for up to 5 s. */
let queueCache: { at: number; value: Promise<Awaited<ReturnType<typeof queueHealth>>> } | null =
  null
function recentQueueHealth(now: Date) {
  if (!queueCache || now.getTime() - queueCache.at > 5_000 || now.getTime() < queueCache.at) {
    const value = queueHealth()
    queueCache = { at: now.getTime(), value }
    value.catch(() => (queueCache = null))
  }
  return queueCache.value
}

/** Jobs by state, from the database driver's table (Redis: not counted here). */
async function queueHealth() {
  if (app.config.get<any>('queue').default !== 'database') return null
  const rows = await db.from('queue_jobs').select('status').count('* as total').groupBy('status')
  const counts = Object.fromEntries(rows.map((row) => [row.status, Number(row.total)]))
  return {
    waiting: (counts.pending ?? 0) + (counts.delayed ?? 0),
    active: counts.active ?? 0,
    failed: counts.failed ?? 0,
  }
}
