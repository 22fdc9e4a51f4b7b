/**
 * The event catalogue: upserts events found by discovery or added by URL.
 * The same platform event is never stored twice (unique platform +
 * external id); the same real-world game from two platforms is linked to
 * one event when name, venue and start (to the minute) match.
 */
import db from '@adonisjs/lucid/services/db'
import type { NormalisedEvent } from '#connectors/contract'

export function eventFingerprint(
  event: Pick<NormalisedEvent, 'name' | 'venue' | 'startsAt'>
): string | null {
  if (!event.startsAt) return null
  const words = (value: string | null) =>
    (value ?? '')
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/\b(the|at|vs|v|fc|sc)\b/g, ' ')
      .replace(/[^a-z0-9]+/g, ' ')
      .trim()
      .split(' ')
      .filter(Boolean)
      .sort()
      .join(' ')
  const minute = new Date(event.startsAt).toISOString().slice(0, 16)
  return `${words(event.name)}|${words(event.venue)}|${minute}`.slice(0, 191)
}

export interface UpsertResult {
  eventId: number
  sourceId: number
  created: 'event' | 'source' | 'none'
}

export async function upsertEvent(
  platformId: number,
  event: NormalisedEvent,
  now = new Date()
): Promise<UpsertResult> {
  return db.transaction(async (trx) => {
    const existingSource = await trx
      .from('event_sources')
      .where({ platform_id: platformId, external_id: event.ref })
      .select('id', 'event_id')
      .first()

    const columns = {
      name: event.name,
      sport: event.sport,
      league: event.league,
      home_team: event.homeTeam,
      away_team: event.awayTeam,
      venue: event.venue,
      city: event.city,
      country: event.country,
      starts_at: event.startsAt ? new Date(event.startsAt) : null,
      timezone: event.timezone,
      date_tbd: event.dateTbd,
      status: event.status,
      onsale_at: event.publicSale?.startsAt ? new Date(event.publicSale.startsAt) : null,
      offsale_at: event.publicSale?.endsAt ? new Date(event.publicSale.endsAt) : null,
      presale_at: event.presales[0]?.startsAt ? new Date(event.presales[0].startsAt) : null,
      fingerprint: eventFingerprint(event),
      updated_at: now,
    }

    if (existingSource) {
      await trx.from('events').where('id', existingSource.event_id).update(columns)
      await trx
        .from('event_sources')
        .where('id', existingSource.id)
        .update({ url: event.url, updated_at: now })
      return {
        eventId: existingSource.event_id,
        sourceId: existingSource.id,
        created: 'none' as const,
      }
    }

    let eventId: number | null = null
    let created: UpsertResult['created'] = 'source'
    if (columns.fingerprint) {
      const twin = await trx
        .from('events')
        .where('fingerprint', columns.fingerprint)
        .select('id')
        .first()
      eventId = twin?.id ?? null
    }
    if (eventId === null) {
      const [row] = await trx
        .table('events')
        .insert({ ...columns, importance: 3, created_at: now })
        .returning('id')
      eventId = typeof row === 'object' ? row.id : row
      created = 'event'
    }
    const [sourceRow] = await trx
      .table('event_sources')
      .insert({
        event_id: eventId,
        platform_id: platformId,
        external_id: event.ref,
        url: event.url,
        state: 'active',
        next_check_at: now,
        consecutive_failures: 0,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
    return {
      eventId: eventId!,
      sourceId: typeof sourceRow === 'object' ? sourceRow.id : sourceRow,
      created,
    }
  })
}
