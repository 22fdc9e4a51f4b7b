/**
 * An event's offer availability over its sources: the most open one wins
 * (one platform in stock makes the event in stock; "sold out" only when
 * every source that says anything says sold out or discontinued). The
 * lists read it in SQL as a rank, the event page from its sources.
 */
import db from '@adonisjs/lucid/services/db'
import type { OfferAvailability } from '#connectors/contract'

export const OFFER_AVAILABILITIES: readonly OfferAvailability[] = [
  'in_stock',
  'limited',
  'presale',
  'sold_out',
  'discontinued',
]

const RANK: Record<OfferAvailability, number> = {
  in_stock: 5,
  limited: 4,
  presale: 3,
  sold_out: 2,
  discontinued: 1,
}

export function availabilityOfRank(rank: unknown): OfferAvailability | null {
  const value = Number(rank)
  if (rank === null || rank === undefined || !Number.isFinite(value)) return null
  return OFFER_AVAILABILITIES.find((name) => RANK[name] === value) ?? null
}

export function mostOpen(values: readonly unknown[]): OfferAvailability | null {
  let best: OfferAvailability | null = null
  for (const value of values) {
    if (typeof value !== 'string' || !(value in RANK)) continue
    const name = value as OfferAvailability
    if (best === null || RANK[name] > RANK[best]) best = name
  }
  return best
}

/** Subquery for `events` lists: `availability_rank` over the event's sources (gone ones left out). */
export function availabilityRankColumn() {
  const cases = OFFER_AVAILABILITIES.map((name) => `when '${name}' then ${RANK[name]}`).join(' ')
  return db
    .from('event_sources')
    .whereColumn('event_sources.event_id', 'events.id')
    .whereNot('event_sources.state', 'gone')
    .select(db.raw(`max(case event_sources.availability ${cases} end)`))
    .as('availability_rank')
}
