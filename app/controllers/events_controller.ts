import type { HttpContext } from '@adonisjs/core/http'
import EventQueries from '#monitoring/event_queries'
import AnalyticsQueries from '#analytics/analytics_queries'
import { addEvent, discoverEvents } from '#monitoring/discovery_service'
import { publishToUser } from '#monitoring/live_feed'
import {
  addEventValidator,
  discoverEventsValidator,
  listEventsValidator,
} from '#validators/event_validator'
import { ApiException, apiErrors } from '#exceptions/catalogue'
import { ConnectorError } from '#connectors/errors'
import { errors as vineErrors } from '@vinejs/vine'
import type { EventFilters } from '#monitoring/event_queries'
import { rangeError } from '#validators/day'

const FILTER_KEYS = [
  'q',
  'sport',
  'league',
  'team',
  'venue',
  'from',
  'to',
  'platform',
  'status',
  'cursor',
] as const

/** The filters echoed back to the page as the user typed them (strings only). */
function filterProps(raw: Record<string, unknown>) {
  const out: Partial<Record<(typeof FILTER_KEYS)[number], string>> = {}
  for (const key of FILTER_KEYS)
    if (typeof raw[key] === 'string' && raw[key]) out[key] = String(raw[key]).slice(0, 200)
  return out
}

export default class EventsController {
  /**
   * The catalogue with its filters in the query string. Bad input (a
   * malformed date, an unknown status, a cursor not made by us) keeps the
   * page, shows the first page of results and says which field is wrong (422).
   */
  async index({ request, response, inertia }: HttpContext) {
    const queries = new EventQueries()
    const options = await queries.filterOptions()
    const raw = request.qs()
    let errors: Record<string, string> = {}
    let filters: EventFilters & Record<string, unknown> = {}
    try {
      filters = await listEventsValidator.validate(raw)
      errors = rangeError(filters)
    } catch (error) {
      if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) throw error
      for (const item of error.messages as Array<{ field: string; message: string }>)
        errors[item.field] ??= item.message
    }
    let page: Awaited<ReturnType<EventQueries['list']>> = { events: [], nextCursor: null }
    if (!Object.keys(errors).length) {
      try {
        page = await queries.list(filters)
      } catch (error) {
        if (!(error instanceof ApiException) || error.field !== 'cursor') throw error
        errors = { cursor: error.message }
        page = await queries.list({ ...filters, cursor: undefined })
      }
    }
    if (Object.keys(errors).length) response.status(422)
    return inertia.render('events/index', {
      ...page,
      ...options,
      filters: filterProps(raw),
      filterErrors: errors,
    })
  }

  async show({ params, inertia }: HttpContext) {
    const detail = await new EventQueries().detail(Number(params.id))
    if (!detail) throw new apiErrors.E_NOT_FOUND('No such event')
    const analytics = await new AnalyticsQueries().forEvent(detail.event.id, detail.listings)
    return inertia.render('events/show', { ...detail, ...analytics })
  }

  async store({ request, response, session, auth, bouncer }: HttpContext) {
    await bouncer.authorize('writeOwnData')
    const { reference } = await request.validateUsing(addEventValidator)
    try {
      /** A request stays short: a rate-limit wait of up to 10 s is sat out, a longer one is refused */
      const added = await addEvent(reference, {
        userId: auth.user!.id,
        deadlineAt: Date.now() + 10_000,
      })
      const note = added.problems.length ? ` Left out: ${added.problems.join('; ')}` : ''
      if (added.events.length > 1) {
        session.flash(
          'success',
          `${added.events.length} events added from that page: ${added.events.map((e) => e.event.name).join(', ')}.${note}`.slice(
            0,
            1000
          )
        )
        return response.redirect(`/events/${added.eventId}`)
      }
      session.flash('success', `${added.event.name} added.${note}`.slice(0, 1000))
      return response.redirect(`/events/${added.eventId}`)
    } catch (error) {
      if (error instanceof ConnectorError) {
        /** The platform failed or refused: say so where the user asked. */
        throw new apiErrors.E_PLATFORM(error.message, 'reference')
      }
      throw error
    }
  }

  /**
   * Adds the events a platform's search finds. Each page fetched is pushed
   * to the user's live channel, so the page shows progress while it runs.
   */
  async discover({ request, response, session, auth, bouncer }: HttpContext) {
    await bouncer.authorize('writeOwnData')
    const { platform, keyword } = await request.validateUsing(discoverEventsValidator)
    const userId = auth.user!.id
    try {
      const result = await discoverEvents(platform, keyword ? { keyword } : {}, {
        maxPages: 5,
        userId,
        onPage: (progress) => publishToUser(userId, { kind: 'discover', platform, ...progress }),
      })
      session.flash(
        'success',
        `${result.seen} event${result.seen === 1 ? '' : 's'} found on ${platform}: ${result.createdEvents} new, ${result.linkedSources} linked to events you already had, ${result.updated} already listed.`
      )
      const query = keyword
        ? `?${new URLSearchParams({ q: keyword, platform })}`
        : `?${new URLSearchParams({ platform })}`
      return response.redirect(`/events${query}`)
    } catch (error) {
      if (error instanceof ConnectorError) throw new apiErrors.E_PLATFORM(error.message, 'keyword')
      throw error
    }
  }
}
