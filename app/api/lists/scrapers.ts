/** GET /api/v1/scrapers: sources with their event and platform. */
import db from '@adonisjs/lucid/services/db'
import { apiErrors } from '#exceptions/catalogue'
import type { ListSpec } from '#api/pagination'
import { isoTime } from '#purchasing/sql'

const iso = isoTime

export const scraperListSpec: ListSpec = {
  sorts: {
    id: { column: 'event_sources.id' },
    nextCheckAt: { column: 'event_sources.next_check_at', nullable: true },
    lastCheckedAt: { column: 'event_sources.last_checked_at', nullable: true },
  },
  defaultSort: 'id',
  idColumn: 'event_sources.id',
  filters: {
    state: (query, value) => query.where('event_sources.state', value),
    platform: (query, value) => query.where('platforms.slug', value),
    eventId: (query, value) => {
      if (!/^\d{1,9}$/.test(value))
        throw new apiErrors.E_VALIDATION('"eventId" must be a whole number', 'eventId')
      query.where('event_sources.event_id', Number(value))
    },
  },
}

/** The schedule: active sources, soonest check first. */
export const scheduleSpec: ListSpec = {
  sorts: { nextCheckAt: { column: 'event_sources.next_check_at', nullable: true } },
  defaultSort: 'nextCheckAt',
  idColumn: 'event_sources.id',
  filters: { platform: scraperListSpec.filters!.platform },
}

export function scraperQuery() {
  return db
    .from('event_sources')
    .join('platforms', 'platforms.id', 'event_sources.platform_id')
    .join('events', 'events.id', 'event_sources.event_id')
    .select('event_sources.*', 'platforms.slug as platform_slug', 'events.name as event_name')
}

export function scraperToJSON(row: any) {
  return {
    id: Number(row.id),
    eventId: Number(row.event_id),
    eventName: row.event_name ?? null,
    platform: row.platform_slug,
    externalId: String(row.external_id),
    url: row.url ?? null,
    state: row.state,
    stateReason: row.state_reason ?? null,
    nextCheckAt: iso(row.next_check_at),
    lastCheckedAt: iso(row.last_checked_at),
    lastSuccessAt: iso(row.last_success_at),
    lastError: row.last_error ?? null,
    consecutiveFailures: Number(row.consecutive_failures ?? 0),
    listingCount:
      row.listing_count === null || row.listing_count === undefined
        ? null
        : Number(row.listing_count),
  }
}

export async function findScraper(id: number) {
  const row = await scraperQuery().where('event_sources.id', id).first()
  if (!row) throw new apiErrors.E_NOT_FOUND('No such source')
  return scraperToJSON(row)
}
