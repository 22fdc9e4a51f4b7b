import type { HttpContext } from '@adonisjs/core/http'
import vine from '@vinejs/vine'
import AlertQueries from '#alerts/alert_queries'

const listValidator = vine.create({
  cursor: vine.number().withoutDecimals().min(1).optional(),
  limit: vine.number().withoutDecimals().min(1).max(200).optional(),
  unacknowledged: vine.boolean().optional(),
})
const snoozeValidator = vine.create({ minutes: vine.number().withoutDecimals().min(5).max(7 * 24 * 60) })

export default class AlertsController {
  async index({ auth, request }: HttpContext) {
    const query = await listValidator.validate(request.qs())
    const page = await new AlertQueries().feed(auth.use('api').getUserOrFail().id, {
      before: query.cursor,
      limit: query.limit,
      unacknowledged: query.unacknowledged,
    })
    return { data: page.alerts, meta: { nextCursor: page.nextCursor } }
  }

  async acknowledge({ auth, params, response }: HttpContext) {
    await new AlertQueries().acknowledge(auth.use('api').getUserOrFail().id, Number(params.id))
    return response.noContent()
  }

  async snooze({ auth, params, request }: HttpContext) {
    const { minutes } = await request.validateUsing(snoozeValidator)
    const until = await new AlertQueries().snooze(auth.use('api').getUserOrFail().id, Number(params.id), minutes)
    return { data: { snoozedUntil: until.toISOString() } }
  }
}
