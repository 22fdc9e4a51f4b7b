/**
 * How many enabled watch rules watch each event, for the planner. One grouped
 * query a minute, shared by every check in the process.
 */
import db from '@adonisjs/lucid/services/db'

let counts = new Map<number, number>()
let loadedAt = 0
let loading: Promise<void> | null = null

export async function watchersOf(eventId: number, now = Date.now()): Promise<number> {
  if (now - loadedAt > 60_000) {
    loading ??= db
      .from('watch_rules')
      .where('enabled', true)
      .whereNotNull('event_id')
      .select('event_id')
      .count('* as total')
      .groupBy('event_id')
      .then((rows) => {
        counts = new Map(rows.map((row) => [Number(row.event_id), Number(row.total)]))
        loadedAt = now
      })
      .finally(() => {
        loading = null
      })
    await loading
  }
  return counts.get(eventId) ?? 0
}

/** After a rule is created, changed or deleted. */
export function forgetWatcherCounts() {
  loadedAt = 0
}
