/**
 * Reads behind zone-aware deal scores: a venue's zones (an admin's, then the
 * section names, then where each section's prices sat over the last 90 days),
 * each zone's past prices for one event, and the same venue's other events'
 * listings on sale. The arithmetic is in zones.ts and deal_score.ts.
 */
import db from '@adonisjs/lucid/services/db'
import { deriveZones, normaliseSection, zoneOf, ZONES, type Zone } from '#analytics/zones'
import type { ZoneContext } from '#analytics/deal_score'

const DAY_MS = 86_400_000

export async function adminZones(venue: string) {
  const rows = await db
    .from('venue_zones')
    .whereRaw('lower(venue) = ?', [venue.toLowerCase()])
    .select('section', 'zone')
  return new Map(
    rows
      .filter((row) => (ZONES as readonly string[]).includes(row.zone))
      .map((row) => [String(row.section), row.zone as Zone])
  )
}

/** Median price per section over the venue's events (changes in the last 90 days). */
async function sectionMedians(eventIds: number[], now: Date) {
  if (!eventIds.length) return []
  const rows = await db
    .from('listing_changes')
    .join('listings', 'listings.id', 'listing_changes.listing_id')
    .whereIn('listing_changes.event_id', eventIds)
    .whereIn('listing_changes.kind', ['appeared', 'price_changed'])
    .whereNotNull('listing_changes.new_price_minor')
    .where('listing_changes.observed_at', '>=', new Date(now.getTime() - 90 * DAY_MS))
    .limit(50_000)
    .select('listings.section', 'listing_changes.new_price_minor')
  const bySection = new Map<string, { section: string; prices: number[] }>()
  for (const row of rows) {
    const key = normaliseSection(row.section)
    if (!key) continue
    if (!bySection.has(key)) bySection.set(key, { section: row.section, prices: [] })
    bySection.get(key)!.prices.push(Number(row.new_price_minor))
  }
  return [...bySection.values()].map(({ section, prices }) => {
    prices.sort((a, b) => a - b)
    return { section, medianMinor: prices[prices.length >> 1] }
  })
}

/**
 * Everything a zone-aware score needs for the listings of these events: one
 * context per event (its venue's zones, its zones' past prices, the venue's
 * other events' listings on sale).
 */
export async function zoneContexts(
  eventIds: number[],
  now = new Date()
): Promise<Map<number, ZoneContext>> {
  const result = new Map<number, ZoneContext>()
  if (!eventIds.length) return result
  const events = await db.from('events').whereIn('id', eventIds).select('id', 'venue')
  const venues = [
    ...new Set(events.map((event) => event.venue).filter((venue): venue is string => !!venue)),
  ]
  for (const venue of venues.slice(0, 20)) {
    const venueEvents = await db
      .from('events')
      .whereRaw('lower(venue) = ?', [venue.toLowerCase()])
      .where('starts_at', '>=', new Date(now.getTime() - 120 * DAY_MS))
      .orderBy('starts_at', 'desc')
      .limit(60)
      .select('id', 'starts_at')
    const venueIds = venueEvents.map((event) => Number(event.id))
    const upcoming = venueEvents
      .filter((event) => new Date(event.starts_at).getTime() > now.getTime())
      .map((event) => Number(event.id))
    const [admin, medians, onSale] = await Promise.all([
      adminZones(venue),
      sectionMedians(venueIds, now),
      upcoming.length
        ? db
            .from('listings')
            .whereIn('event_id', upcoming)
            .where('status', 'available')
            .whereNotNull('price_minor')
            .limit(5_000)
            .select('id', 'event_id', 'section', 'price_minor')
        : Promise.resolve([]),
    ])
    const sections: Array<{ section: string | null; medianMinor: number | null }> = [...medians]
    const seen = new Set(medians.map((row) => normaliseSection(row.section)))
    for (const row of onSale)
      if (!seen.has(normaliseSection(row.section))) {
        seen.add(normaliseSection(row.section))
        sections.push({ section: row.section, medianMinor: null })
      }
    const zones = deriveZones(sections, admin)
    for (const event of events.filter((row) => row.venue === venue)) {
      const history = await db
        .from('listing_changes')
        .join('listings', 'listings.id', 'listing_changes.listing_id')
        .where('listing_changes.event_id', event.id)
        .whereIn('listing_changes.kind', ['appeared', 'price_changed'])
        .whereNotNull('listing_changes.new_price_minor')
        .where('listing_changes.observed_at', '>=', new Date(now.getTime() - 30 * DAY_MS))
        .limit(20_000)
        .select('listings.section', 'listing_changes.new_price_minor')
      const zoneHistory = new Map<Zone, number[]>()
      for (const row of history) {
        const zone = zoneOf(zones, row.section)?.zone
        if (!zone) continue
        if (!zoneHistory.has(zone)) zoneHistory.set(zone, [])
        zoneHistory.get(zone)!.push(Number(row.new_price_minor))
      }
      result.set(Number(event.id), {
        zones,
        zoneHistory,
        venueListings: onSale
          .filter((row) => Number(row.event_id) !== Number(event.id))
          .map((row) => ({
            id: Number(row.id),
            eventId: Number(row.event_id),
            section: row.section,
            priceMinor: Number(row.price_minor),
          })),
      })
    }
  }
  return result
}
