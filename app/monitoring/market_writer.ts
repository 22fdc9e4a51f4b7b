/**
 * Writes one check's result: diffs the fetched market against the stored
 * listings of that source and, in one transaction, applies the listing
 * changes, appends the change-only history (listing_changes), records an
 * event status change, and updates the source's price summary and check
 * times. An unchanged market writes no history row.
 */
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { MarketSnapshot, NormalisedListing } from '#connectors/contract'
import { diffMarket, type ListingChangeRow, type StoredListing } from '#monitoring/market_diff'
import { describeProblem } from '#connectors/transport/each_valid'
import { eventFingerprint } from '#monitoring/event_catalogue'
import { updateMarketRollups } from '#analytics/event_rollup'

/** What a read left out, as the source's warning ("1 of 2 structured-data blocks invalid: …"). */
function payloadWarning(snapshot: MarketSnapshot): string | null {
  const lines = (snapshot.problems ?? []).map((problem) =>
    problem.item === 'block' ? problem.reason : `skipped ${describeProblem(problem)}`
  )
  return lines.length ? [...new Set(lines)].join('; ').slice(0, 500) : null
}

export interface SourceRef {
  id: number
  eventId: number
}

export interface WriteResult {
  changes: ListingChangeRow[]
  statusChanged: { from: string | null; to: string } | null
  /** The outbox row to evaluate rules from (null when nothing changed) */
  outboxId: number | null
}

function listingColumns(listing: NormalisedListing) {
  return {
    section: listing.section,
    row: listing.row,
    quantity: listing.quantity,
    splits: listing.splits ? JSON.stringify(listing.splits) : null,
    price_minor: listing.price?.amountMinor ?? null,
    price_with_fees_minor: listing.priceWithFees?.amountMinor ?? null,
    delivery_fee_minor: listing.delivery?.fee?.amountMinor ?? null,
    delivery_method: listing.delivery?.method ?? null,
    currency: listing.price?.currency ?? listing.priceWithFees?.currency ?? 'USD',
    format: listing.format,
    in_hand: listing.inHand,
    in_hand_on: listing.inHandOn,
    notes: listing.notes,
    status: 'available',
  }
}

export async function writeMarket(
  source: SourceRef,
  snapshot: MarketSnapshot,
  now: Date,
  marketHash: string | null = null,
  /** Whether this source had never been written; a check knows it from the row it read (no fingerprint yet) */
  firstLoad?: boolean
): Promise<WriteResult> {
  return db.transaction((trx) => writeMarketIn(trx, source, snapshot, now, marketHash, firstLoad))
}

/**
 * The same write inside a transaction the caller holds: a batch of checks
 * writes all its changed markets, their outbox rows and their check times
 * in one transaction (check_market_service).
 */
export async function writeMarketIn(
  trx: TransactionClientContract,
  source: SourceRef,
  snapshot: MarketSnapshot,
  now: Date,
  marketHash: string | null = null,
  firstLoad?: boolean,
  /** More columns for the source's row, from what was written (a check's next time): same UPDATE */
  sourceColumns?: (result: WriteResult) => Record<string, unknown>,
  /**
   * `deferRollups`: the caller writes the market rollups itself, for all the
   * markets of its transaction at once (a batch of checks), from
   * `result.changes`.
   */
  options: { deferRollups?: boolean } = {}
): Promise<WriteResult> {
  const result: WriteResult = { changes: [], statusChanged: null, outboxId: null }

  if (snapshot.listings) {
    /** A listing the platform sent malformed is left as stored, not taken for gone */
    const skipped = new Set(
      (snapshot.problems ?? []).filter((p) => p.item === 'listing' && p.ref).map((p) => p.ref)
    )
    const stored: StoredListing[] = (
      await trx
        .from('listings')
        .where('event_source_id', source.id)
        .select(
          'id',
          'external_id',
          'price_minor',
          'price_with_fees_minor',
          'quantity',
          'currency',
          'status'
        )
    )
      .filter((row) => !skipped.has(String(row.external_id)))
      .map((row) => ({
        id: row.id,
        externalId: row.external_id,
        priceMinor: row.price_minor,
        priceWithFeesMinor: row.price_with_fees_minor,
        quantity: row.quantity,
        currency: row.currency,
        status: row.status,
      }))
    const diff = diffMarket(stored, snapshot.listings)
    result.changes = diff.changes
    await applyDiff(trx, source, diff, now)
    /** The dashboard's figures of this market (lowest price, listings, 7-day points) */
    if (!options.deferRollups)
      await updateMarketRollups(trx, diff.changes.length ? [source] : [], now)
  }

  const event = await trx.from('events').where('id', source.eventId).select('status').first()
  /** A reschedule the platform states: the new start, and where it moved from */
  const moved = snapshot.event.previousStartsAt
  if (event && moved && snapshot.event.startsAt) {
    await trx
      .from('events')
      .where('id', source.eventId)
      .update({
        starts_at: new Date(snapshot.event.startsAt),
        previous_starts_at: new Date(moved),
        fingerprint: eventFingerprint(snapshot.event),
      })
  }
  if (event && event.status !== snapshot.event.status) {
    await trx
      .from('events')
      .where('id', source.eventId)
      .update({ status: snapshot.event.status, updated_at: now })
    await trx.table('event_status_changes').insert({
      event_id: source.eventId,
      event_source_id: source.id,
      from_status: event.status,
      to_status: snapshot.event.status,
      observed_at: now,
    })
    result.statusChanged = { from: event.status, to: snapshot.event.status }
  }

  /**
   * The first load of a source is the baseline, not news: rules are
   * evaluated from the second check on (the rule form's preview shows
   * what matches at once).
   */
  const baseline =
    firstLoad ??
    !(await trx.from('event_sources').where('id', source.id).select('last_success_at').first())
      ?.last_success_at
  if (!baseline && (result.changes.length > 0 || result.statusChanged)) {
    const [row] = await trx
      .table('alert_outbox')
      .insert({
        event_id: source.eventId,
        payload: JSON.stringify({ changes: result.changes, statusChanged: result.statusChanged }),
        detected_at: now,
      })
      .returning('id')
    result.outboxId = typeof row === 'object' ? Number(row.id) : Number(row)
  }

  const summary = snapshot.summary
  await trx
    .from('event_sources')
    .where('id', source.id)
    .update({
      min_price_minor: summary.min?.amountMinor ?? null,
      max_price_minor: summary.max?.amountMinor ?? null,
      currency: summary.min?.currency ?? summary.max?.currency ?? null,
      fees_included: summary.feesIncluded,
      listing_count: summary.listingCount,
      availability: snapshot.availability ?? null,
      payload_warning: payloadWarning(snapshot),
      last_checked_at: now,
      last_success_at: now,
      last_error: null,
      consecutive_failures: 0,
      market_hash: marketHash,
      updated_at: now,
      ...sourceColumns?.(result),
    })
  return result
}

async function applyDiff(
  trx: TransactionClientContract,
  source: SourceRef,
  diff: ReturnType<typeof diffMarket>,
  now: Date
) {
  const insertedIds = new Map<string, number>()
  if (diff.inserts.length > 0) {
    /** One statement for all new listings, then one read for their ids (no per-row round trip). */
    for (let offset = 0; offset < diff.inserts.length; offset += 200) {
      await trx.table('listings').multiInsert(
        diff.inserts.slice(offset, offset + 200).map((listing) => ({
          event_source_id: source.id,
          event_id: source.eventId,
          external_id: listing.ref,
          ...listingColumns(listing),
          first_seen_at: now,
          last_changed_at: now,
        }))
      )
    }
    const refs = diff.inserts.map((listing) => listing.ref)
    for (let offset = 0; offset < refs.length; offset += 500) {
      const rows = await trx
        .from('listings')
        .where('event_source_id', source.id)
        .whereIn('external_id', refs.slice(offset, offset + 500))
        .select('id', 'external_id')
      for (const row of rows) insertedIds.set(row.external_id, row.id)
    }
  }
  for (const { id, listing } of diff.updates) {
    await trx
      .from('listings')
      .where('id', id)
      .update({ ...listingColumns(listing), last_changed_at: now })
  }
  if (diff.gone.length > 0) {
    await trx
      .from('listings')
      .whereIn('id', diff.gone)
      .update({ status: 'gone', quantity: 0, last_changed_at: now })
  }
  /** New listings now have ids: the changes carry them to the rule matcher. */
  for (const change of diff.changes) {
    if (change.listingId === null) change.listingId = insertedIds.get(change.externalId) ?? null
  }
  if (diff.changes.length > 0) {
    await trx.table('listing_changes').multiInsert(
      diff.changes.map((change) => ({
        listing_id: change.listingId ?? insertedIds.get(change.externalId)!,
        event_id: source.eventId,
        event_source_id: source.id,
        kind: change.kind,
        old_price_minor: change.oldPriceMinor,
        new_price_minor: change.newPriceMinor,
        old_quantity: change.oldQuantity,
        new_quantity: change.newQuantity,
        currency: change.currency,
        observed_at: now,
      }))
    )
  }
}
