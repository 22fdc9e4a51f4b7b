import type { HttpContext } from '@adonisjs/core/http'
import EventQueries from '#monitoring/event_queries'
import AnalyticsQueries from '#analytics/analytics_queries'
import { addEvent } from '#monitoring/discovery_service'
import { addEventValidator, listEventsValidator } from '#validators/event_validator'
import ApiException from '#exceptions/api_exception'
import { ConnectorError } from '#connectors/errors'

export default class EventsController {
  async index({ request, inertia }: HttpContext) {
    const filters = await listEventsValidator.validate(request.qs())
    const page = await new EventQueries().list(filters)
    return inertia.render('events/index', { ...page, filters })
  }

  async show({ params, inertia }: HttpContext) {
    const detail = await new EventQueries().detail(Number(params.id))
    if (!detail) throw new ApiException('E_NOT_FOUND', 'No such event', 404)
    const analytics = await new AnalyticsQueries().forEvent(detail.event.id, detail.listings)
    return inertia.render('events/show', { ...detail, ...analytics })
  }

  async store({ request, response, session, auth, bouncer }: HttpContext) {
    await bouncer.authorize('writeOwnData')
    const { reference } = await request.validateUsing(addEventValidator)
    try {
      const added = await addEvent(reference, { userId: auth.user!.id })
      session.flash('success', `${added.event.name} added.`)
      return response.redirect(`/events/${added.eventId}`)
    } catch (error) {
      if (error instanceof ConnectorError) {
        /** The platform failed or refused: say so where the user asked. */
        throw new ApiException('E_PLATFORM', error.message, 422, 'reference')
      }
      throw error
    }
  }
}
