/**
 * The check schedule of each source as the admin sources page shows it:
 * when it is checked next, at what interval (the planner's, already scaled
 * to the platform's quota), when it was last checked and in which state.
 * Soonest first; paused and blocked sources (no next check) last.
 */
import db from '@adonisjs/lucid/services/db'
import { isoTime } from '#purchasing/sql'

const iso = isoTime

export async function sourceSchedules(options: { platform?: string; limit?: number } = {}) {
  const query = db
    .from('event_sources')
    .join('events', 'events.id', 'event_sources.event_id')
    .join('platforms', 'platforms.id', 'event_sources.platform_id')
    .whereNot('event_sources.state', 'gone')
    .orderByRaw(
      "case when event_sources.state = 'active' and event_sources.next_check_at is not null then 0 else 1 end"
    )
    .orderBy('event_sources.next_check_at', 'asc')
    .orderBy('event_sources.id', 'asc')
    .limit(options.limit ?? 50)
    .select(
      'event_sources.id',
      'event_sources.state',
      'event_sources.next_check_at',
      'event_sources.last_checked_at',
      'event_sources.check_interval_ms',
      'events.id as event_id',
      'events.name as event_name',
      'platforms.name as platform_name',
      'platforms.slug as platform_slug'
    )
  if (options.platform) query.where('platforms.slug', options.platform)
  const rows = await query
  const total = await db.from('event_sources').whereNot('state', 'gone').count('* as total').first()
  return {
    total: Number(total?.total ?? 0),
    sources: rows.map((row) => ({
      id: Number(row.id),
      eventId: Number(row.event_id),
      eventName: row.event_name as string,
      platform: row.platform_slug as string,
      platformName: row.platform_name as string,
      state: row.state as string,
      nextCheckAt: row.state === 'active' ? iso(row.next_check_at) : null,
      lastCheckedAt: iso(row.last_checked_at),
      intervalMs: row.check_interval_ms === null ? null : Number(row.check_interval_ms),
    })),
  }
}
