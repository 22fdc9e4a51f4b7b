/**
 * A stored listing with what purchasing needs about its event and platform:
 * read by the request's creation and again at its approval.
 */
import type { QueryClientContract } from '@adonisjs/lucid/types/database'

export interface ListingContext {
  id: number
  eventId: number
  externalId: string
  section: string | null
  row: string | null
  quantity: number
  splits: number[] | null
  priceMinor: number | null
  priceWithFeesMinor: number | null
  currency: string
  status: string
  eventRef: string
  platformId: number
  platformSlug: string
  platformName: string
  platformEnabled: boolean
  checkout: boolean
  maxTicketsPerOrder: number | null
  eventImportance: number
}

function parseJson<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback
  if (typeof value !== 'string') return value as T
  try {
    return JSON.parse(value) as T
  } catch {
    return fallback
  }
}

/** By the listing's id, or by (event, platform slug, the platform's listing ref). */
export async function loadListing(
  client: QueryClientContract,
  where: { id?: number; eventId?: number; platform?: string; ref?: string }
): Promise<ListingContext | null> {
  const query = client
    .from('listings as l')
    .join('event_sources as s', 's.id', 'l.event_source_id')
    .join('platforms as p', 'p.id', 's.platform_id')
    .join('events as e', 'e.id', 'l.event_id')
    .select(
      'l.id',
      'l.event_id',
      'l.external_id',
      'l.section',
      'l.row',
      'l.quantity',
      'l.splits',
      'l.price_minor',
      'l.price_with_fees_minor',
      'l.currency',
      'l.status',
      's.external_id as event_ref',
      'p.id as platform_id',
      'p.slug as platform_slug',
      'p.name as platform_name',
      'p.enabled as platform_enabled',
      'p.capabilities',
      'p.max_tickets_per_order',
      'e.importance as event_importance'
    )
  if (where.id !== undefined) query.where('l.id', where.id)
  else
    query
      .where('l.event_id', where.eventId!)
      .where('p.slug', where.platform!)
      .where('l.external_id', where.ref!)
  const row = await query.first()
  if (!row) return null
  const capabilities = parseJson<{ checkout?: boolean }>(row.capabilities, {})
  return {
    id: Number(row.id),
    eventId: Number(row.event_id),
    externalId: row.external_id,
    section: row.section,
    row: row.row,
    quantity: Number(row.quantity),
    splits: parseJson<number[] | null>(row.splits, null),
    priceMinor: row.price_minor === null ? null : Number(row.price_minor),
    priceWithFeesMinor:
      row.price_with_fees_minor === null ? null : Number(row.price_with_fees_minor),
    currency: row.currency,
    status: row.status,
    eventRef: row.event_ref,
    platformId: Number(row.platform_id),
    platformSlug: row.platform_slug,
    platformName: row.platform_name,
    platformEnabled: Boolean(row.platform_enabled),
    checkout: capabilities.checkout === true,
    maxTicketsPerOrder:
      row.max_tickets_per_order === null ? null : Number(row.max_tickets_per_order),
    eventImportance: Number(row.event_importance ?? 3),
  } satisfies ListingContext
}
