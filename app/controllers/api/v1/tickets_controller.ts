import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { apiErrors } from '#exceptions/catalogue'
import EventTransformer from '#transformers/event_transformer'
import PriceHistory from '#alerts/price_history'
import { paginate, parseListQuery } from '#api/pagination'
import {
  eventListQuery,
  eventListSpec,
  listingListQuery,
  listingListSpec,
} from '#api/lists/tickets'

async function eventOrFail(id: string) {
  const event = /^\d{1,9}$/.test(id)
    ? await db.from('events').where('id', Number(id)).first()
    : null
  if (!event) throw new apiErrors.E_NOT_FOUND('No such event')
  return event
}

/** /api/v1/tickets — events, their listings on offer and their price history. */
export default class TicketsController {
  async index({ request }: HttpContext) {
    const list = parseListQuery(request.qs(), eventListSpec)
    return paginate(eventListQuery(), list, eventListSpec, (row) => EventTransformer.row(row))
  }

  async show({ params }: HttpContext) {
    const event = await eventOrFail(params.id)
    const [summary, sources] = await Promise.all([
      eventListQuery().where('events.id', event.id).first(),
      db
        .from('event_sources')
        .join('platforms', 'platforms.id', 'event_sources.platform_id')
        .where('event_sources.event_id', event.id)
        .orderBy('event_sources.id')
        .select(
          'event_sources.*',
          'platforms.slug as platform_slug',
          'platforms.name as platform_name'
        ),
    ])
    return {
      data: {
        event: EventTransformer.row(summary ?? event),
        sources: sources.map((row) => EventTransformer.source(row)),
      },
    }
  }

  async listings({ params, request }: HttpContext) {
    const list = parseListQuery(request.qs(), listingListSpec)
    const event = await eventOrFail(params.id)
    return paginate(listingListQuery(event.id), list, listingListSpec, (row) =>
      EventTransformer.listing(row)
    )
  }

  async priceHistory({ params, request }: HttpContext) {
    const qs = request.qs()
    for (const name of Object.keys(qs)) {
      if (name !== 'days')
        throw new apiErrors.E_UNKNOWN_FIELD(`Unknown query parameter "${name}"`, name)
    }
    const days = qs.days === undefined ? 30 : Number(qs.days)
    if (!/^\d+$/.test(String(qs.days ?? '30')) || days < 1 || days > 365) {
      throw new apiErrors.E_VALIDATION('"days" must be a whole number from 1 to 365', 'days')
    }
    const event = await eventOrFail(params.id)
    const now = Date.now()
    const [rows, current] = await Promise.all([
      db
        .from('listing_changes')
        .where('event_id', event.id)
        .whereNotNull('new_price_minor')
        .whereNot('kind', 'gone')
        .where('observed_at', '>=', new Date(now - days * 86_400_000))
        .orderBy('observed_at', 'desc')
        .orderBy('id', 'desc')
        .limit(5000)
        .select('new_price_minor', 'currency', 'observed_at'),
      db
        .from('listings')
        .where({ event_id: event.id, status: 'available' })
        .whereNotNull('price_minor')
        .orderBy('price_minor')
        .select('price_minor', 'currency')
        .first(),
    ])
    const points = rows.reverse().map((row: any) => ({
      at: new Date(row.observed_at).getTime(),
      price: Number(row.new_price_minor),
      currency: row.currency as string,
    }))
    const history = new PriceHistory(points.map(({ at, price }) => ({ at, price })))
    const currency = current?.currency ?? points[points.length - 1]?.currency ?? null
    const lowest = history.lowestInDays(days, now)
    return {
      data: {
        eventId: Number(event.id),
        days,
        currency,
        points: points.map((point) => ({
          at: new Date(point.at).toISOString(),
          price: { amountMinor: point.price, currency: point.currency },
        })),
        lowestInPeriod: lowest === null || !currency ? null : { amountMinor: lowest, currency },
        currentRank: current ? history.rankOf(Number(current.price_minor)) : null,
      },
    }
  }
}
