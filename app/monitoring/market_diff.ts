/**
 * Market diff: what changed between the listings stored for one source and
 * the listings a check just fetched. Pure — data in, data out, no clock
 * (`now` is passed in), no database. This is on the hot path of every
 * check, so it makes one pass over each side and allocates only for changes.
 *
 * Change kinds (the `listing_changes.kind` column):
 *   appeared          a listing not seen before (or back after being gone)
 *   price_changed     same listing, other price per ticket
 *   quantity_changed  same listing, other quantity
 *   gone              stored as available, absent from the fetch
 * An unchanged listing produces nothing: history is change-only.
 */
import type { NormalisedListing } from '#connectors/contract'

export interface StoredListing {
  id: number
  externalId: string
  priceMinor: number | null
  /** When given: a fee-only change (same ticket price) updates the row, without a history row */
  priceWithFeesMinor?: number | null
  quantity: number
  currency: string
  status: 'available' | 'gone'
}

export type ListingChangeKind = 'appeared' | 'price_changed' | 'quantity_changed' | 'gone'

export interface ListingChangeRow {
  kind: ListingChangeKind
  /** An `appeared` listing that had been gone: back in stock */
  reappeared?: boolean
  /** null for a listing that does not exist yet (appeared, first time) */
  listingId: number | null
  externalId: string
  oldPriceMinor: number | null
  newPriceMinor: number | null
  oldQuantity: number | null
  newQuantity: number | null
  currency: string
}

export interface MarketDiff {
  /** Listings to insert (never seen) */
  inserts: NormalisedListing[]
  /** Listings to update in place (price, quantity, fields, or back from gone), by stored id */
  updates: Array<{ id: number; listing: NormalisedListing }>
  /** Stored ids that are now gone */
  gone: number[]
  changes: ListingChangeRow[]
}

export function diffMarket(stored: StoredListing[], fetched: NormalisedListing[]): MarketDiff {
  const byRef = new Map<string, StoredListing>()
  for (const row of stored) byRef.set(row.externalId, row)

  const diff: MarketDiff = { inserts: [], updates: [], gone: [], changes: [] }
  const seen = new Set<string>()

  for (const listing of fetched) {
    if (seen.has(listing.ref)) continue
    seen.add(listing.ref)
    const price = listing.price?.amountMinor ?? null
    const currency = listing.price?.currency ?? listing.priceWithFees?.currency ?? 'USD'
    const before = byRef.get(listing.ref)

    if (!before) {
      diff.inserts.push(listing)
      diff.changes.push(
        change('appeared', null, listing.ref, null, price, null, listing.quantity, currency)
      )
      continue
    }
    if (before.status === 'gone') {
      diff.updates.push({ id: before.id, listing })
      diff.changes.push({
        ...change(
          'appeared',
          before.id,
          listing.ref,
          before.priceMinor,
          price,
          null,
          listing.quantity,
          currency
        ),
        reappeared: true,
      })
      continue
    }
    const priceChanged = before.priceMinor !== price
    const quantityChanged = before.quantity !== listing.quantity
    const feesChanged =
      before.priceWithFeesMinor !== undefined &&
      before.priceWithFeesMinor !== (listing.priceWithFees?.amountMinor ?? null)
    if (priceChanged || quantityChanged || feesChanged)
      diff.updates.push({ id: before.id, listing })
    if (priceChanged) {
      diff.changes.push(
        change(
          'price_changed',
          before.id,
          listing.ref,
          before.priceMinor,
          price,
          before.quantity,
          listing.quantity,
          currency
        )
      )
    }
    if (quantityChanged) {
      diff.changes.push(
        change(
          'quantity_changed',
          before.id,
          listing.ref,
          before.priceMinor,
          price,
          before.quantity,
          listing.quantity,
          currency
        )
      )
    }
  }

  for (const row of stored) {
    if (row.status === 'available' && !seen.has(row.externalId)) {
      diff.gone.push(row.id)
      diff.changes.push(
        change('gone', row.id, row.externalId, row.priceMinor, null, row.quantity, 0, row.currency)
      )
    }
  }
  return diff
}

function change(
  kind: ListingChangeKind,
  listingId: number | null,
  externalId: string,
  oldPriceMinor: number | null,
  newPriceMinor: number | null,
  oldQuantity: number | null,
  newQuantity: number | null,
  currency: string
): ListingChangeRow {
  return {
    kind,
    listingId,
    externalId,
    oldPriceMinor,
    newPriceMinor,
    oldQuantity,
    newQuantity,
    currency,
  }
}
