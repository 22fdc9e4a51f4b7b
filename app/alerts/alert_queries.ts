/**
 * A user's alerts: the feed (newest first, cursor by id, each with its
 * delivery receipt: detected at, and when each channel delivered it), acknowledge and
 * snooze — every query starts from the owner.
 */
import db from '@adonisjs/lucid/services/db'
import ApiException from '#exceptions/api_exception'
import AlertTransformer from '#transformers/alert_transformer'
import { alertReceipts } from '#notifications/inbox'

export default class AlertQueries {
  async feed(
    userId: number,
    options: { before?: number; limit?: number; unacknowledged?: boolean } = {}
  ) {
    const limit = Math.min(options.limit ?? 50, 200)
    const query = db
      .from('alerts')
      .leftJoin('events', 'events.id', 'alerts.event_id')
      .leftJoin('watch_rules', 'watch_rules.id', 'alerts.watch_rule_id')
      .where('alerts.user_id', userId)
      .orderBy('alerts.id', 'desc')
      .limit(limit + 1)
      .select('alerts.*', 'events.name as event_name', 'watch_rules.name as rule_name')
    if (options.before) query.where('alerts.id', '<', options.before)
    if (options.unacknowledged) query.whereNull('alerts.acknowledged_at')
    const rows = await query
    const page = rows.slice(0, limit)
    const receipts = await alertReceipts(page.map((row) => Number(row.id)))
    return {
      alerts: page.map((row) => ({
        ...AlertTransformer.row(row),
        deliveries: receipts.get(Number(row.id)) ?? [],
      })),
      nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null,
    }
  }

  async acknowledge(userId: number, alertId: number, now = new Date()) {
    const updated = await db
      .from('alerts')
      .where({ id: alertId, user_id: userId })
      .update({ acknowledged_at: now })
    if (!Number(Array.isArray(updated) ? updated[0] : updated))
      throw new ApiException('E_NOT_FOUND', 'No such alert', 404)
  }

  async snooze(userId: number, alertId: number, minutes: number, now = new Date()) {
    const until = new Date(now.getTime() + minutes * 60_000)
    const updated = await db
      .from('alerts')
      .where({ id: alertId, user_id: userId })
      .update({ snoozed_until: until })
    if (!Number(Array.isArray(updated) ? updated[0] : updated))
      throw new ApiException('E_NOT_FOUND', 'No such alert', 404)
    return until
  }
}
