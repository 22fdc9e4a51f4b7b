/**
 * Read side of the catalogue for pages and the API: event lists with their
 * current lowest price, and an event's sources, listings and recent changes.
 */
import db from '@adonisjs/lucid/services/db'
import EventTransformer from '#transformers/event_transformer'

const PAGE_SIZE = 25

export default class EventQueries {
  async list(filters: { q?: string; status?: string; league?: string; cursor?: string }) {
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
      .orderBy('starts_at', 'asc')
      .orderBy('id', 'asc')
      .limit(PAGE_SIZE + 1)
    if (filters.q) {
      const like = `%${filters.q.toLowerCase()}%`
      query.where((where) =>
        where
          .whereRaw('lower(name) like ?', [like])
          .orWhereRaw('lower(coalesce(venue, \'\')) like ?', [like])
          .orWhereRaw('lower(coalesce(home_team, \'\')) like ?', [like])
          .orWhereRaw('lower(coalesce(away_team, \'\')) like ?', [like])
      )
    }
    if (filters.status) query.where('status', filters.status)
    if (filters.league) query.where('league', filters.league)
    if (filters.cursor) {
      const [startMs, id] = filters.cursor.split('_').map(Number)
      const starts = new Date(startMs)
      query.where((where) =>
        where.where('starts_at', '>', starts).orWhere((tie) => tie.where('starts_at', starts).where('id', '>', id))
      )
    }
    const rows = await query
    const hasMore = rows.length > PAGE_SIZE
    const page = rows.slice(0, PAGE_SIZE)
    const last = page[page.length - 1]
    return {
      events: page.map((row) => EventTransformer.row(row)),
      nextCursor: hasMore && last?.starts_at ? `${new Date(last.starts_at).getTime()}_${last.id}` : null,
    }
  }

  async detail(eventId: number) {
    const event = await db.from('events').where('id', eventId).first()
    if (!event) return null
    const sources = await db
      .from('event_sources')
      .join('platforms', 'platforms.id', 'event_sources.platform_id')
      .where('event_sources.event_id', eventId)
      .select('event_sources.*', 'platforms.slug as platform_slug', 'platforms.name as platform_name')
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
      event: EventTransformer.row({ ...event, lowest_price_minor: listings[0]?.price_minor ?? null, lowest_currency: listings[0]?.currency, listing_count: listings.length }),
      sources: sources.map((row) => EventTransformer.source(row)),
      listings: listings.map((row) => EventTransformer.listing(row)),
      changes: changes.map((row) => EventTransformer.change(row)),
    }
  }
}
