/**
 * GET /api/v1/tickets: events with their current lowest price and listing
 * count, and an event's listings, through the shared pagination helper.
 */
import { availabilityRankColumn } from '#monitoring/availability'
import db from '@adonisjs/lucid/services/db'
import { apiErrors } from '#exceptions/catalogue'
import { parseInstant } from '#validators/day'
import type { ListSpec } from '#api/pagination'

function isoDate(value: string, field: string) {
  const date = parseInstant(value)
  if (!date) {
    throw new apiErrors.E_VALIDATION(
      `"${field}" must be a real ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDTHH:mm…)`,
      field
    )
  }
  return date
}

function positiveInt(value: string, field: string) {
  if (!/^\d{1,9}$/.test(value))
    throw new apiErrors.E_VALIDATION(`"${field}" must be a whole number`, field)
  return Number(value)
}

export const eventListSpec: ListSpec = {
  sorts: {
    startsAt: { column: 'events.starts_at', nullable: true },
    name: { column: 'events.name' },
    id: { column: 'events.id' },
  },
  defaultSort: 'startsAt',
  idColumn: 'events.id',
  enums: {
    status: ['scheduled', 'onsale', 'offsale', 'postponed', 'rescheduled', 'cancelled', 'ended'],
  },
  filters: {
    q: (query, value) => {
      const like = `%${value.toLowerCase()}%`
      query.where((where) =>
        where
          .whereRaw('lower(events.name) like ?', [like])
          .orWhereRaw("lower(coalesce(events.venue, '')) like ?", [like])
          .orWhereRaw("lower(coalesce(events.home_team, '')) like ?", [like])
          .orWhereRaw("lower(coalesce(events.away_team, '')) like ?", [like])
      )
    },
    status: (query, value) => query.where('events.status', value),
    league: (query, value) => query.where('events.league', value),
    sport: (query, value) => query.where('events.sport', value),
    from: (query, value) => query.where('events.starts_at', '>=', isoDate(value, 'from')),
    to: (query, value) => query.where('events.starts_at', '<', isoDate(value, 'to')),
  },
}

export function eventListQuery() {
  return db
    .from('events')
    .whereNull('events.archived_at')
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
}

export const listingListSpec: ListSpec = {
  sorts: {
    price: { column: 'listings.price_minor', nullable: true },
    quantity: { column: 'listings.quantity' },
    id: { column: 'listings.id' },
  },
  defaultSort: 'price',
  idColumn: 'listings.id',
  filters: {
    platform: (query, value) => query.where('platforms.slug', value),
    section: (query, value) => query.where('listings.section', value),
    minQuantity: (query, value) =>
      query.where('listings.quantity', '>=', positiveInt(value, 'minQuantity')),
    maxPriceMinor: (query, value) =>
      query.where('listings.price_minor', '<=', positiveInt(value, 'maxPriceMinor')),
  },
}

export function listingListQuery(eventId: number) {
  return db
    .from('listings')
    .join('event_sources', 'event_sources.id', 'listings.event_source_id')
    .join('platforms', 'platforms.id', 'event_sources.platform_id')
    .where('listings.event_id', eventId)
    .where('listings.status', 'available')
    .select('listings.*', 'platforms.slug as platform_slug')
}
