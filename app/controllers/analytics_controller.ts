import type { HttpContext } from '@adonisjs/core/http'
import { Readable } from 'node:stream'
import db from '@adonisjs/lucid/services/db'
import AnalyticsQueries from '#analytics/analytics_queries'
import CalendarFeed from '#analytics/calendar_feed'
import { alertsCsv, priceHistoryCsv, purchasesCsv } from '#analytics/exports'
import { analyticsFiltersValidator } from '#validators/analytics_validator'
import { apiErrors } from '#exceptions/catalogue'

/**
 * Analytics: the page, CSV exports (streamed) and the private iCal feed.
 */
export default class AnalyticsController {
  async index({ request, inertia, auth }: HttpContext) {
    const filters = await analyticsFiltersValidator.validate(request.qs())
    return inertia.render(
      'analytics/index',
      await new AnalyticsQueries().forUser(auth.getUserOrFail().id, filters)
    )
  }

  async priceHistory({ params, response }: HttpContext) {
    const event = await db.from('events').where('id', Number(params.id)).select('id').first()
    if (!event) throw new apiErrors.E_NOT_FOUND('No such event')
    return this.#csv(response, `event-${event.id}-price-history.csv`, priceHistoryCsv(event.id))
  }

  async alerts({ response, auth }: HttpContext) {
    return this.#csv(response, 'alerts.csv', alertsCsv(auth.getUserOrFail().id))
  }

  async purchases({ response, auth }: HttpContext) {
    return this.#csv(response, 'purchases.csv', purchasesCsv(auth.getUserOrFail().id))
  }

  async regenerateCalendar({ response, session, auth }: HttpContext) {
    await new CalendarFeed().regenerate(auth.getUserOrFail().id)
    session.flash('success', 'New calendar feed address created. The previous one no longer works.')
    return response.redirect('/analytics#calendar')
  }

  /** Public (no session): the token in the URL is the credential; anything wrong is a plain 404. */
  async calendar({ params, response }: HttpContext) {
    const userId = Number(params.userId)
    const token = String(params.token ?? '').replace(/\.ics$/, '')
    const feed =
      Number.isSafeInteger(userId) && userId > 0
        ? await new CalendarFeed().render(userId, token)
        : null
    if (feed === null) return response.status(404).type('text/plain').send('Not found')
    response.header('Cache-Control', 'private, max-age=300')
    return response.type('text/calendar; charset=utf-8').send(feed)
  }

  #csv(response: HttpContext['response'], filename: string, lines: AsyncIterable<string>) {
    response.header('Content-Type', 'text/csv; charset=utf-8')
    response.header('Content-Disposition', `attachment; filename="${filename}"`)
    response.header('Cache-Control', 'no-store')
    response.stream(Readable.from(lines))
  }
}
