import type { HttpContext } from '@adonisjs/core/http'
import vine from '@vinejs/vine'
import AlertQueries from '#alerts/alert_queries'
import AnalyticsQueries from '#analytics/analytics_queries'

const feedValidator = vine.create({
  before: vine.number().withoutDecimals().min(1).optional(),
  unacknowledged: vine.boolean().optional(),
})
const snoozeValidator = vine.create({
  minutes: vine
    .number()
    .withoutDecimals()
    .min(5)
    .max(7 * 24 * 60),
})

export default class AlertsController {
  async index({ inertia, request, auth }: HttpContext) {
    const filters = await feedValidator.validate(request.qs())
    const feed = await new AlertQueries().feed(auth.getUserOrFail().id, filters)
    /** Each alert on a listing with its deal score (app/analytics/deal_score.ts). */
    const scores = await new AnalyticsQueries().dealScoresFor(
      feed.alerts.map((alert) => ({
        id: alert.id,
        eventId: alert.eventId,
        listingId: alert.listingId,
        priceMinor: alert.price?.amountMinor ?? null,
      }))
    )
    return inertia.render('alerts/index', { ...feed, dealScores: Object.fromEntries(scores) })
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
