import type { HttpContext } from '@adonisjs/core/http'
import vine from '@vinejs/vine'
import AlertQueries from '#alerts/alert_queries'

const feedValidator = vine.create({
  before: vine.number().withoutDecimals().min(1).optional(),
  unacknowledged: vine.boolean().optional(),
})
const snoozeValidator = vine.create({ minutes: vine.number().withoutDecimals().min(5).max(7 * 24 * 60) })

export default class AlertsController {
  async index({ inertia, request, auth }: HttpContext) {
    const filters = await feedValidator.validate(request.qs())
    return inertia.render('alerts/index', await new AlertQueries().feed(auth.getUserOrFail().id, filters))
  }

  async acknowledge({ params, auth, response }: HttpContext) {
    await new AlertQueries().acknowledge(auth.getUserOrFail().id, Number(params.id))
    return response.redirect().back()
  }

  async snooze({ params, request, auth, response, session }: HttpContext) {
    const { minutes } = await request.validateUsing(snoozeValidator)
    await new AlertQueries().snooze(auth.getUserOrFail().id, Number(params.id), minutes)
    session.flash('success', `Snoozed for ${minutes} minutes.`)
    return response.redirect().back()
  }
}
