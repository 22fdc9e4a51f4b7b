/**
 * Read side of the catalogue for pages and the API: event lists with their
 * current lowest price, and an event's sources, listings and recent changes.
 */
import db from '@adonisjs/lucid/services/db'
import EventTransformer from '#transformers/event_transformer'
import { decodeEventCursor, encodeEventCursor } from '#monitoring/event_cursor'
import { availabilityRankColumn } from '#monitoring/availability'

const PAGE_SIZE = 25

export type EventFilters = {
  q?: string
  sport?: string
  league?: string
  team?: string
  venue?: string
  from?: Date
  to?: Date
  platform?: string
  status?: string
  cursor?: string
}

/** A contains-pattern for `like … escape '!'` (portable: MySQL reads a backslash inside quotes). */
const like = (value: string) => `%${value.toLowerCase().replace(/[!%_]/g, (char) => `!${char}`)}%`

export default class EventQueries {
  /**
   * One page of events matching the filters, dated events by start time
   * then undated ones, with an opaque cursor for the next page. A cursor
   * that was not made here is refused (E_INVALID_CURSOR, field `cursor`).
   */
  async list(filters: EventFilters, pageSize = PAGE_SIZE) {
    const cursor = filters.cursor ? decodeEventCursor(filters.cursor) : null
    const query = db
      .from('events')
      .whereNull('archived_at')
      .select('events.*')
      .select(
        db
          .from('listings')
          .whereColumn('listings.event_id', 'events.id')
          .where('listings.status', 'available')
          .min('price_minor')
          .as('lowest_price_minor')
      )
      .select(
        db
          .from('listings')
          .whereColumn('listings.event_id', 'events.id')
          .where('listings.status', 'available')
          .count('*')
          .as('listing_count')
      )
      .select(availabilityRankColumn())
      .orderByRaw('case when starts_at is null then 1 else 0 end asc')
      .orderBy('starts_at', 'asc')
      .orderBy('id', 'asc')
      .limit(pageSize + 1)
    if (filters.q) {
      const pattern = like(filters.q)
      query.where((where) =>
        where
          .whereRaw("lower(name) like ? escape '!'", [pattern])
          .orWhereRaw("lower(coalesce(venue, '')) like ? escape '!'", [pattern])
          .orWhereRaw("lower(coalesce(home_team, '')) like ? escape '!'", [pattern])
          .orWhereRaw("lower(coalesce(away_team, '')) like ? escape '!'", [pattern])
      )
    }
    if (filters.team) {
      const pattern = like(filters.team)
      query.where((where) =>
        where
          .whereRaw("lower(coalesce(home_team, '')) like ? escape '!'", [pattern])
          .orWhereRaw("lower(coalesce(away_team, '')) like ? escape '!'", [pattern])
      )
    }
    if (filters.venue)
      query.whereRaw("lower(coalesce(venue, '')) like ? escape '!'", [like(filters.venue)])
    if (filters.sport) query.whereRaw('lower(sport) = ?', [filters.sport.toLowerCase()])
    if (filters.league) query.whereRaw('lower(league) = ?', [filters.league.toLowerCase()])
    if (filters.status) query.where('status', filters.status)
    if (filters.from) query.where('starts_at', '>=', filters.from)
    if (filters.to) query.where('starts_at', '<', new Date(filters.to.getTime() + 86_400_000))
    if (filters.platform) {
      query.whereExists((sources) =>
        sources
          .from('event_sources')
          .join('platforms', 'platforms.id', 'event_sources.platform_id')
          .whereColumn('event_sources.event_id', 'events.id')
          .where('platforms.slug', filters.platform!)
      )
    }
    if (cursor?.undated) {
      query.whereNull('starts_at').where('id', '>', cursor.id)
    } else if (cursor) {
      const starts = new Date(cursor.startsAtMs!)
      query.where((where) =>
        where
          .whereNull('starts_at')
          .orWhere('starts_at', '>', starts)
          .orWhere((tie) => tie.where('starts_at', starts).where('id', '>', cursor.id))
      )
    }
    const rows = await query
    const hasMore = rows.length > pageSize
    const page = rows.slice(0, pageSize)
    const last = page[page.length - 1]
    return {
      events: page.map((row) => EventTransformer.row(row)),
      nextCursor:
        hasMore && last
          ? encodeEventCursor(
              last.starts_at === null || last.starts_at === undefined
                ? { undated: true, startsAtMs: null, id: last.id }
                : { undated: false, startsAtMs: new Date(last.starts_at).getTime(), id: last.id }
            )
          : null,
    }
  }

  /** What the filter selects offer: the sports, leagues and platforms in the catalogue. */
  async filterOptions() {
    const distinct = async (column: string) =>
      (
        await db
          .from('events')
          .whereNull('archived_at')
          .whereNotNull(column)
          .distinct(column)
          .orderBy(column)
          .limit(200)
      ).map((row) => row[column] as string)
    const platforms = await db
      .from('platforms')
      .where('enabled', true)
      .orderBy('name')
      .select('slug', 'name')
    return {
      sports: await distinct('sport'),
      leagues: await distinct('league'),
      platforms: platforms.map((row) => ({ slug: row.slug as string, name: row.name as string })),
    }
  }

  async detail(eventId: number) {
    const event = await db.from('events').where('id', eventId).first()
    if (!event) return null
    const sources = await db
      .from('event_sources')
      .join('platforms', 'platforms.id', 'event_sources.platform_id')
      .where('event_sources.event_id', eventId)
      .select(
        'event_sources.*',
        'platforms.slug as platform_slug',
        'platforms.name as platform_name'
      )
    const listings = await db
      .from('listings')
      .join('event_sources', 'event_sources.id', 'listings.event_source_id')
      .join('platforms', 'platforms.id', 'event_sources.platform_id')
      .where('listings.event_id', eventId)
      .where('listings.status', 'available')
      .orderBy('listings.price_minor', 'asc')
      .limit(500)
      .select('listings.*', 'platforms.slug as platform_slug')
    const changes = await db
      .from('listing_changes')
      .where('event_id', eventId)
      .orderBy('observed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(50)
    return {
      event: EventTransformer.row({
        ...event,
        lowest_price_minor: listings[0]?.price_minor ?? null,
        lowest_currency: listings[0]?.currency,
        listing_count: listings.length,
        source_availabilities: sources
          .filter((row) => row.state !== 'gone')
          .map((row) => row.availability),
      }),
      sources: sources.map((row) => EventTransformer.source(row)),
      listings: listings.map((row) => EventTransformer.listing(row)),
      changes: changes.map((row) => EventTransformer.change(row)),
    }
  }
}
