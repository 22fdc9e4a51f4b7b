/**
 * The private iCal feed of a user's watched events, at
 * /calendar/<userId>/<token>.ics. The token is HMAC-SHA256(APP_KEY, "calendar:"
 * + user id + ":" + nonce), base64url; only the nonce is stored, and a new
 * nonce regenerates the token (the old URL then answers 404, as does any
 * wrong token or a user without a feed). Compared in constant time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import analyticsConfig from '#config/analytics'
import { calendarFeed } from '#analytics/ical'
import { watchedEventIds } from '#analytics/watched_events'

export function calendarToken(userId: number, nonce: string, key = analyticsConfig.calendarKey) {
  return createHmac('sha256', key).update(`calendar:${userId}:${nonce}`).digest('base64url')
}

export function calendarUrl(userId: number, nonce: string) {
  return `${analyticsConfig.appUrl.replace(/\/$/, '')}/calendar/${userId}/${calendarToken(userId, nonce)}.ics`
}

export default class CalendarFeed {
  /** The feed URL, or null when the user has not created one. */
  async urlFor(userId: number) {
    const row = await db.from('users').where('id', userId).select('calendar_nonce').first()
    return row?.calendar_nonce ? calendarUrl(userId, row.calendar_nonce) : null
  }

  /** A new token: the previous URL stops working. */
  async regenerate(userId: number) {
    const nonce = randomBytes(24).toString('base64url')
    await db.from('users').where('id', userId).update({ calendar_nonce: nonce })
    return calendarUrl(userId, nonce)
  }

  /** The feed's text, or null for a wrong token (the caller answers 404). */
  async render(userId: number, token: string, now = new Date()) {
    const user = await db
      .from('users')
      .where('id', userId)
      .whereNull('disabled_at')
      .select('calendar_nonce')
      .first()
    if (!user?.calendar_nonce) return null
    const expected = Buffer.from(calendarToken(userId, user.calendar_nonce))
    const given = Buffer.from(token)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null

    const ids = await watchedEventIds(userId, 200)
    const events = ids.length
      ? await db
          .from('events')
          .whereIn('id', ids)
          .orderBy('starts_at')
          .select(
            'id',
            'name',
            'starts_at',
            'date_tbd',
            'venue',
            'city',
            'status',
            'updated_at',
            'created_at'
          )
          .select(
            db
              .from('listings')
              .whereColumn('listings.event_id', 'events.id')
              .where('status', 'available')
              .min('price_minor')
              .as('lowest')
          )
      : []
    const base = analyticsConfig.appUrl.replace(/\/$/, '')
    return calendarFeed(
      events.map((event) => ({
        id: event.id,
        name: event.name,
        startsAt: event.starts_at ? new Date(event.starts_at).getTime() : null,
        dateTbd: Boolean(event.date_tbd),
        venue: event.venue,
        city: event.city,
        status: event.status,
        url: `${base}/events/${event.id}`,
        lowestPrice:
          event.lowest === null
            ? null
            : new Intl.NumberFormat('en', { style: 'currency', currency: 'USD' }).format(
                Number(event.lowest) / 100
              ),
        updatedAt: new Date(event.updated_at ?? event.created_at).getTime(),
      })),
      { host: new URL(base).host, name: 'HDTickets — watched events', now: now.getTime() }
    )
  }
}
