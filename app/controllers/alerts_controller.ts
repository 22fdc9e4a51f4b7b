import type { HttpContext } from '@adonisjs/core/http'
import vine from '@vinejs/vine'
import AlertQueries from '#alerts/alert_queries'
import AnalyticsQueries from '#analytics/analytics_queries'

const feedValidator = vine.create({
  before: vine.number().withoutDecimals().min(1).optional(),
  unacknowledged: vine.boolean().optional(),
  ruleId: vine.number().withoutDecimals().min(1).optional(),
  eventId: vine.number().withoutDecimals().min(1).optional(),
})

const acknowledgeShownValidator = vine.create({
  upTo: vine.number().withoutDecimals().min(1),
  ruleId: vine.number().withoutDecimals().min(1).nullable().optional(),
  eventId: vine.number().withoutDecimals().min(1).nullable().optional(),
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
    const queries = new AlertQueries()
    const userId = auth.getUserOrFail().id
    const [feed, choices] = await Promise.all([
      queries.feed(userId, filters),
      queries.filterChoices(userId),
    ])
    /** Each alert on a listing with its deal score (app/analytics/deal_score.ts). */
    const analytics = new AnalyticsQueries()
    const scores = await analytics.dealScoresFor(
      feed.alerts.map((alert) => ({
        id: alert.id,
        eventId: alert.eventId,
        listingId: alert.listingId,
        priceMinor: alert.price?.amountMinor ?? null,
      }))
    )
    /** "Prices are low / typical / high" for each alert's event, by event id */
    const bands = await analytics.bandsFor(
      feed.alerts.map((alert) => alert.eventId).filter((id): id is number => id !== null)
    )
    return inertia.render('alerts/index', {
      ...feed,
      dealScores: Object.fromEntries(scores),
      bands: Object.fromEntries(bands),
      filters: {
        ruleId: filters.ruleId ?? null,
        eventId: filters.eventId ?? null,
        unread: filters.unacknowledged ?? false,
      },
      choices,
    })
  }

  async acknowledge({ params, auth, response }: HttpContext) {
    await new AlertQueries().acknowledge(auth.getUserOrFail().id, Number(params.id))
    return response.redirect().back()
  }

  async acknowledgeShown({ request, auth, response, session }: HttpContext) {
    const filters = await request.validateUsing(acknowledgeShownValidator)
    const count = await new AlertQueries().acknowledgeShown(auth.getUserOrFail().id, {
      upTo: filters.upTo,
      ruleId: filters.ruleId ?? undefined,
      eventId: filters.eventId ?? undefined,
    })
    session.flash('success', `${count} alert${count === 1 ? '' : 's'} acknowledged.`)
    return response.redirect().back()
  }

  async snooze({ params, request, auth, response, session }: HttpContext) {
    const { minutes } = await request.validateUsing(snoozeValidator)
    await new AlertQueries().snooze(auth.getUserOrFail().id, Number(params.id), minutes)
    session.flash('success', `Snoozed for ${minutes} minutes.`)
    return response.redirect().back()
  }
}
