/**
 * The events a user watches: those their enabled rules name, and the next
 * events matching their filter rules (team, league, venue).
 */
import db from '@adonisjs/lucid/services/db'

export async function watchedEventIds(userId: number, limit = 20): Promise<number[]> {
  const rules = await db
    .from('watch_rules')
    .where('user_id', userId)
    .where('enabled', true)
    .select('event_id', 'filters')
  const eventIds = new Set<number>(
    rules.filter((rule) => rule.event_id).map((rule) => rule.event_id as number)
  )
  for (const rule of rules.filter((candidate) => !candidate.event_id)) {
    const filters =
      (typeof rule.filters === 'string' ? JSON.parse(rule.filters) : rule.filters) ?? {}
    const query = db
      .from('events')
      .whereNull('archived_at')
      .orderBy('starts_at')
      .limit(10)
      .select('id')
    if (filters.league) query.whereRaw('lower(league) = ?', [String(filters.league).toLowerCase()])
    if (filters.team)
      query.where((q) =>
        q
          .whereRaw('lower(home_team) = ?', [String(filters.team).toLowerCase()])
          .orWhereRaw('lower(away_team) = ?', [String(filters.team).toLowerCase()])
      )
    if (filters.venue) query.whereRaw('lower(venue) = ?', [String(filters.venue).toLowerCase()])
    for (const row of await query) eventIds.add(row.id)
  }
  return [...eventIds].slice(0, limit)
}
