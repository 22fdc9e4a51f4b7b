/**
 * The event catalogue: upserts events found by discovery or added by URL.
 * The same platform event is never stored twice (unique platform +
 * external id); the same real-world game from two platforms is linked to
 * one event when name, venue and start (to the minute) match.
 */
import db from '@adonisjs/lucid/services/db'
import type { NormalisedEvent, SaleWindow } from '#connectors/contract'

/**
 * The presale an event is watched for: the earliest real presale window.
 * Resale windows ("Resale Onsale", Ticketmaster Resale) are not presales,
 * and windows without a start say nothing about when. Pure.
 */
export function earliestPresale(presales: readonly SaleWindow[]): string | null {
  const starts = presales
    .filter((window) => !/\bre-?sale\b/i.test(window.name) && window.startsAt)
    .map((window) => window.startsAt as string)
    .filter((start) => !Number.isNaN(Date.parse(start)))
    .sort((a, b) => Date.parse(a) - Date.parse(b))
  return starts[0] ?? null
}

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
  /** The source already had a successful check (its market is the checks' to write) */
  checked: boolean
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
      .select('id', 'event_id', 'last_success_at')
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
      presale_at: (() => {
        const presale = earliestPresale(event.presales)
        return presale ? new Date(presale) : null
      })(),
      /** Where it moved from is kept once known (a later page may stop saying) */
      ...(event.previousStartsAt ? { previous_starts_at: new Date(event.previousStartsAt) } : {}),
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
        checked: !!existingSource.last_success_at,
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
      checked: false,
    }
  })
}
