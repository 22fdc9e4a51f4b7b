/**
 * A plain due-time dispatcher: every tick, active sources whose next check
 * time has passed are claimed (their next time pushed ahead, so a second
 * dispatcher skips them) and queued as CheckTicketAvailability jobs. The
 * importance- and quota-aware planner of the monitoring engine replaces the
 * fixed interval; this keeps the demo's markets fresh until then.
 */
import db from '@adonisjs/lucid/services/db'
import CheckTicketAvailability from '#jobs/check_ticket_availability'
import { DEFAULT_CHECK_INTERVAL_MS } from '#monitoring/check_market_service'

export async function dispatchDueChecks(now = new Date(), limit = 100) {
  const due = await db
    .from('event_sources')
    .where('state', 'active')
    .where((query) => query.whereNull('next_check_at').orWhere('next_check_at', '<=', now))
    .orderBy('next_check_at', 'asc')
    .limit(limit)
    .select('id')
  let dispatched = 0
  for (const { id } of due) {
    const claimed = await db
      .from('event_sources')
      .where('id', id)
      .where((query) => query.whereNull('next_check_at').orWhere('next_check_at', '<=', now))
      .update({ next_check_at: new Date(now.getTime() + DEFAULT_CHECK_INTERVAL_MS) })
    if (Number(Array.isArray(claimed) ? claimed[0] : claimed) > 0) {
      await CheckTicketAvailability.dispatch({ sourceId: id })
      dispatched++
    }
  }
  return dispatched
}
