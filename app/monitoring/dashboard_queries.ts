/**
 * What the dashboard shows a user: the events their rules watch (lowest
 * price now, change since yesterday, listings), their latest alerts,
 * purchases awaiting approval, source health and queue health.
 */
import db from '@adonisjs/lucid/services/db'
import app from '@adonisjs/core/services/app'
import AlertQueries from '#alerts/alert_queries'
import { sourceHealth } from '#monitoring/source_health'

export default class DashboardQueries {
  async forUser(userId: number, canSeeOthers: boolean) {
    const rules = await db.from('watch_rules').where('user_id', userId).where('enabled', true).select('event_id', 'filters')
    const eventIds = new Set<number>(rules.filter((rule) => rule.event_id).map((rule) => rule.event_id as number))
    const filterRules = rules.filter((rule) => !rule.event_id)
    for (const rule of filterRules) {
      const filters = typeof rule.filters === 'string' ? JSON.parse(rule.filters) : rule.filters
      const query = db.from('events').whereNull('archived_at').orderBy('starts_at').limit(10).select('id')
      if (filters.league) query.whereRaw('lower(league) = ?', [String(filters.league).toLowerCase()])
      if (filters.team) query.where((q) => q.whereRaw('lower(home_team) = ?', [filters.team.toLowerCase()]).orWhereRaw('lower(away_team) = ?', [filters.team.toLowerCase()]))
      if (filters.venue) query.whereRaw('lower(venue) = ?', [String(filters.venue).toLowerCase()])
      for (const row of await query) eventIds.add(row.id)
    }
    const ids = [...eventIds].slice(0, 20)
    const now = new Date()
    const dayAgo = new Date(now.getTime() - 86_400_000)
    const watched = ids.length
      ? await db
          .from('events')
          .whereIn('id', ids)
          .orderBy('starts_at')
          .select('id', 'name', 'starts_at', 'timezone', 'status')
          .select(db.from('listings').whereColumn('listings.event_id', 'events.id').where('status', 'available').min('price_minor').as('lowest'))
          .select(db.from('listings').whereColumn('listings.event_id', 'events.id').where('status', 'available').count('*').as('available'))
      : []
    /** The lowest price a day ago: the lowest listing price recorded in the 24 h before that moment. */
    const yesterday = ids.length
      ? await db
          .from('listing_changes')
          .whereIn('event_id', ids)
          .whereNot('kind', 'gone')
          .where('observed_at', '<=', dayAgo)
          .where('observed_at', '>', new Date(dayAgo.getTime() - 86_400_000))
          .select('event_id')
          .min('new_price_minor as lowest')
          .groupBy('event_id')
      : []
    const lowestYesterday = new Map(yesterday.map((row) => [row.event_id, row.lowest === null ? null : Number(row.lowest)]))

    const pendingQuery = db
      .from('purchase_requests')
      .join('events', 'events.id', 'purchase_requests.event_id')
      .where('purchase_requests.status', 'pending_approval')
      .orderBy('purchase_requests.id', 'desc')
      .limit(10)
      .select('purchase_requests.id', 'purchase_requests.quantity', 'purchase_requests.max_price_minor', 'purchase_requests.currency', 'events.name as event_name')
    if (!canSeeOthers) pendingQuery.where('purchase_requests.user_id', userId)

    const health = await sourceHealth(now)
    return {
      watched: watched.map((row) => ({
        id: row.id,
        name: row.name,
        startsAt: row.starts_at ? new Date(row.starts_at).toISOString() : null,
        timezone: row.timezone,
        status: row.status,
        available: Number(row.available),
        lowest: row.lowest === null ? null : { amountMinor: Number(row.lowest), currency: 'USD' },
        lowestYesterdayMinor: lowestYesterday.get(row.id) ?? null,
      })),
      alerts: (await new AlertQueries().feed(userId, { limit: 8 })).alerts,
      pendingPurchases: (await pendingQuery).map((row) => ({
        id: row.id,
        eventName: row.event_name,
        quantity: row.quantity,
        maxPrice: { amountMinor: row.max_price_minor, currency: row.currency },
      })),
      sources: health.platforms
        .filter((platform) => platform.checks24h > 0 || platform.sources.active > 0)
        .map((platform) => ({
          name: platform.name,
          successRate: platform.successRate,
          blocked: platform.sources.blocked,
          active: platform.sources.active,
        })),
      queue: await queueHealth(),
    }
  }
}

/** Jobs by state, from the database driver's table (Redis: not counted here). */
async function queueHealth() {
  if (app.config.get<any>('queue').default !== 'database') return null
  const rows = await db.from('queue_jobs').select('status').count('* as total').groupBy('status')
  const counts = Object.fromEntries(rows.map((row) => [row.status, Number(row.total)]))
  return { waiting: (counts.pending ?? 0) + (counts.delayed ?? 0), active: counts.active ?? 0, failed: counts.failed ?? 0 }
}
