import type { HttpContext } from '@adonisjs/core/http'
import AnalyticsQueries from '#analytics/analytics_queries'
import EventQueries from '#monitoring/event_queries'
import { apiErrors } from '#exceptions/catalogue'
import { analyticsFiltersValidator } from '#validators/analytics_validator'

function onlyKnown(qs: Record<string, unknown>, known: string[]) {
  for (const name of Object.keys(qs)) {
    if (!known.includes(name))
      throw new apiErrors.E_UNKNOWN_FIELD(`Unknown query parameter "${name}"`, name)
  }
}

/**
 * /api/v1/analytics — the figures of the analytics page for the caller
 * (trend, days-before curve with its backtested hint, spend, funnel,
 * platform comparison, deal scores of recent alerts) and one event's
 * analytics (price chart series, section spread, platforms side by side,
 * a deal score per listing with the comparables it used).
 */
export default class AnalyticsController {
  async overview({ request, auth }: HttpContext) {
    onlyKnown(request.qs(), ['league', 'team', 'eventId'])
    const filters = await analyticsFiltersValidator.validate(request.qs())
    // the calendar address is a credential: the page shows it, the API does not
    const { calendarUrl: _calendarUrl, ...figures } = await new AnalyticsQueries().forUser(
      auth.use('api').getUserOrFail().id,
      filters
    )
    return { data: figures }
  }

  async event({ params, request }: HttpContext) {
    onlyKnown(request.qs(), [])
    const id = Number(params.id)
    const detail = Number.isSafeInteger(id) && id > 0 ? await new EventQueries().detail(id) : null
    if (!detail) throw new apiErrors.E_NOT_FOUND('No such event')
    const analytics = await new AnalyticsQueries().forEvent(detail.event.id, detail.listings)
    return { data: { eventId: detail.event.id, ...analytics } }
  }
}
