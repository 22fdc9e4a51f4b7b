import type { HttpContext } from '@adonisjs/core/http'
import vine from '@vinejs/vine'
import db from '@adonisjs/lucid/services/db'
import AlertQueries from '#alerts/alert_queries'
import AlertTransformer from '#transformers/alert_transformer'
import { apiErrors } from '#exceptions/catalogue'
import { paginate, parseListQuery, type ListSpec } from '#api/pagination'
import { alertReceipts } from '#notifications/inbox'

const spec: ListSpec = {
  sorts: {
    id: { column: 'alerts.id' },
    detectedAt: { column: 'alerts.detected_at', nullable: true },
  },
  defaultSort: '-id',
  idColumn: 'alerts.id',
  enums: { unacknowledged: ['true', 'false'] },
  filters: {
    unacknowledged: (query, value) =>
      value === 'true'
        ? query.whereNull('alerts.acknowledged_at')
        : query.whereNotNull('alerts.acknowledged_at'),
    type: (query, value) => query.where('alerts.type', value),
    eventId: (query, value) => {
      if (!/^\d{1,9}$/.test(value))
        throw new apiErrors.E_VALIDATION('"eventId" must be a whole number', 'eventId')
      query.where('alerts.event_id', Number(value))
    },
  },
}
const snoozeValidator = vine.create({
  minutes: vine
    .number()
    .withoutDecimals()
    .min(5)
    .max(7 * 24 * 60),
})

export default class AlertsController {
  async index({ auth, request }: HttpContext) {
    const list = parseListQuery(request.qs(), spec)
    const query = db
      .from('alerts')
      .leftJoin('events', 'events.id', 'alerts.event_id')
      .leftJoin('watch_rules', 'watch_rules.id', 'alerts.watch_rule_id')
      .where('alerts.user_id', auth.use('api').getUserOrFail().id)
      .select('alerts.*', 'events.name as event_name', 'watch_rules.name as rule_name')
    const page = await paginate(query, list, spec, (row) => AlertTransformer.row(row))
    /** Each alert's receipt: when it was detected (detectedAt) and when each channel delivered it. */
    const receipts = await alertReceipts(page.data.map((alert) => alert.id))
    return {
      ...page,
      data: page.data.map((alert) => ({ ...alert, deliveries: receipts.get(alert.id) ?? [] })),
    }
  }

  async acknowledge({ auth, params, response }: HttpContext) {
    await new AlertQueries().acknowledge(auth.use('api').getUserOrFail().id, Number(params.id))
    return response.noContent()
  }

  async snooze({ auth, params, request }: HttpContext) {
    const { minutes } = await request.validateUsing(snoozeValidator)
    const until = await new AlertQueries().snooze(
      auth.use('api').getUserOrFail().id,
      Number(params.id),
      minutes
    )
    return { data: { snoozedUntil: until.toISOString() } }
  }
}
