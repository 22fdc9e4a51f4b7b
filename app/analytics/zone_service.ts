/**
 * A venue's seat zones for the admin page: every section seen at the venue
 * with its zone, how it was set and its median price; an admin sets a
 * section's zone (or hands it back to the name and price rules). Audited.
 */
import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { recordAudit } from '#services/audit_log'
import { adminZones } from '#analytics/zone_queries'
import { deriveZones, normaliseSection, ZONE_LABELS, ZONES, type Zone } from '#analytics/zones'

const DAY_MS = 86_400_000

export default class ZoneService {
  /** Venues with events, most events first */
  async venues() {
    const rows = await db
      .from('events')
      .whereNotNull('venue')
      .groupBy('venue')
      .select('venue')
      .count('* as total')
      .orderBy('total', 'desc')
      .limit(200)
    return rows.map((row) => ({ name: String(row.venue), events: Number(row.total) }))
  }

  async sections(venue: string, now = new Date()) {
    const events = (
      await db
        .from('events')
        .whereRaw('lower(venue) = ?', [venue.toLowerCase()])
        .where('starts_at', '>=', new Date(now.getTime() - 365 * DAY_MS))
        .limit(200)
        .select('id')
    ).map((row) => Number(row.id))
    const listed = events.length
      ? await db
          .from('listings')
          .whereIn('event_id', events)
          .whereNotNull('section')
          .whereNotNull('price_minor')
          .limit(20_000)
          .select('section', 'price_minor')
      : []
    const bySection = new Map<string, { section: string; prices: number[] }>()
    for (const row of listed) {
      const key = normaliseSection(row.section)
      if (!bySection.has(key)) bySection.set(key, { section: row.section, prices: [] })
      bySection.get(key)!.prices.push(Number(row.price_minor))
    }
    const admin = await adminZones(venue)
    for (const section of admin.keys())
      if (!bySection.has(normaliseSection(section)))
        bySection.set(normaliseSection(section), { section, prices: [] })
    const sections = [...bySection.values()].map(({ section, prices }) => {
      prices.sort((a, b) => a - b)
      return { section, medianMinor: prices.length ? prices[prices.length >> 1] : null }
    })
    const zones = deriveZones(sections, admin)
    return sections
      .map((row) => {
        const zone = zones.get(normaliseSection(row.section)) ?? null
        return {
          section: row.section,
          medianMinor: row.medianMinor,
          zone: zone?.zone ?? null,
          zoneLabel: zone ? ZONE_LABELS[zone.zone] : null,
          source: zone?.source ?? null,
        }
      })
      .sort((a, b) =>
        a.section.localeCompare(b.section, 'en', { numeric: true, sensitivity: 'base' })
      )
  }

  /** Set a section's zone at a venue; null hands it back to the name and price rules. */
  async setZone(actor: User, venue: string, section: string, zone: Zone | null, ip?: string) {
    const existing = await db
      .from('venue_zones')
      .whereRaw('lower(venue) = ?', [venue.toLowerCase()])
      .where('section', section)
      .first()
    await db.transaction(async (trx) => {
      if (zone === null) {
        if (existing) await trx.from('venue_zones').where('id', existing.id).delete()
      } else if (existing) {
        await trx
          .from('venue_zones')
          .where('id', existing.id)
          .update({ zone, updated_by: actor.id, updated_at: new Date() })
      } else {
        await trx.table('venue_zones').insert({
          venue,
          section,
          zone,
          updated_by: actor.id,
          updated_at: new Date(),
        })
      }
      await recordAudit(
        {
          actorId: actor.id,
          action: 'venue.zone_set',
          subjectType: 'venue',
          subjectId: venue.slice(0, 64),
          fromState: existing?.zone ?? 'auto',
          toState: zone ?? 'auto',
          reason: `section ${section}`,
          ip,
        },
        trx
      )
    })
  }
}

export { ZONES }
