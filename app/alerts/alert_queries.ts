/**
 * A user's alerts: the feed (newest first, cursor by id, each with its
 * delivery receipt: detected at, and when each channel delivered it), acknowledge and
 * snooze — every query starts from the owner.
 */
import db from '@adonisjs/lucid/services/db'
import { apiErrors } from '#exceptions/catalogue'
import AlertTransformer from '#transformers/alert_transformer'
import { alertReceipts } from '#notifications/inbox'

export default class AlertQueries {
  async feed(
    userId: number,
    options: {
      before?: number
      limit?: number
      unacknowledged?: boolean
      ruleId?: number
      eventId?: number
    } = {}
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
    if (options.ruleId) query.where('alerts.watch_rule_id', options.ruleId)
    if (options.eventId) query.where('alerts.event_id', options.eventId)
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
      throw new apiErrors.E_NOT_FOUND('No such alert')
  }

  /**
   * "Acknowledge all shown": the alerts the person sees with these filters,
   * up to the newest one on their screen (one that arrived since stays new).
   */
  async acknowledgeShown(
    userId: number,
    filters: { ruleId?: number; eventId?: number; upTo: number },
    now = new Date()
  ) {
    const query = db
      .from('alerts')
      .where('user_id', userId)
      .whereNull('acknowledged_at')
      .where('id', '<=', filters.upTo)
    if (filters.ruleId) query.where('watch_rule_id', filters.ruleId)
    if (filters.eventId) query.where('event_id', filters.eventId)
    const updated = await query.update({ acknowledged_at: now })
    return Number(Array.isArray(updated) ? updated[0] : updated)
  }

  /** The rules and events a user's alerts come from: the filter menus of the alerts page. */
  async filterChoices(userId: number) {
    const [rules, events] = await Promise.all([
      db.from('watch_rules').where('user_id', userId).orderBy('name').select('id', 'name'),
      db
        .from('events')
        .whereIn('id', db.from('alerts').where('user_id', userId).distinct('event_id'))
        .orderBy('starts_at', 'desc')
        .limit(100)
        .select('id', 'name'),
    ])
    return {
      rules: rules.map((row) => ({ id: Number(row.id), name: row.name as string })),
      events: events.map((row) => ({ id: Number(row.id), name: row.name as string })),
    }
  }

  async snooze(userId: number, alertId: number, minutes: number, now = new Date()) {
    const until = new Date(now.getTime() + minutes * 60_000)
    const updated = await db
      .from('alerts')
      .where({ id: alertId, user_id: userId })
      .update({ snoozed_until: until })
    if (!Number(Array.isArray(updated) ? updated[0] : updated))
      throw new apiErrors.E_NOT_FOUND('No such alert')
    return until
  }
}
