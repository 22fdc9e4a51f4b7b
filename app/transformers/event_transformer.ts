import { isoTime } from '#purchasing/sql'
import { availabilityOfRank, mostOpen } from '#monitoring/availability'
/**
 * Events, sources and listings as pages and the API see them: whitelists,
 * dates in ISO 8601 UTC, money as integer minor units + currency.
 */
const iso = isoTime

export default class EventTransformer {
  static row(row: any) {
    return {
      id: row.id,
      name: row.name,
      sport: row.sport,
      league: row.league,
      homeTeam: row.home_team,
      awayTeam: row.away_team,
      venue: row.venue,
      city: row.city,
      country: row.country,
      startsAt: iso(row.starts_at),
      /** Where a rescheduled event moved from, when a platform said */
      previousStartsAt: iso(row.previous_starts_at),
      timezone: row.timezone,
      dateTbd: Boolean(row.date_tbd),
      status: row.status,
      onsaleAt: iso(row.onsale_at),
      lowestPrice:
        row.lowest_price_minor === null || row.lowest_price_minor === undefined
          ? null
          : { amountMinor: Number(row.lowest_price_minor), currency: row.lowest_currency ?? 'USD' },
      listingCount:
        row.listing_count === undefined || row.listing_count === null
          ? null
          : Number(row.listing_count),
      /** Over its sources, the most open: "sold_out" only when no source offers anything */
      availability:
        row.availability_rank !== undefined
          ? availabilityOfRank(row.availability_rank)
          : mostOpen(row.source_availabilities ?? []),
    }
  }

  static source(row: any) {
    return {
      id: row.id,
      platform: row.platform_slug,
      platformName: row.platform_name,
      url: row.url,
      state: row.state,
      stateReason: row.state_reason,
      lastCheckedAt: iso(row.last_checked_at),
      lastSuccessAt: iso(row.last_success_at),
      lastError: row.last_error,
      minPrice:
        row.min_price_minor === null
          ? null
          : { amountMinor: row.min_price_minor, currency: row.currency },
      maxPrice:
        row.max_price_minor === null
          ? null
          : { amountMinor: row.max_price_minor, currency: row.currency },
      listingCount: row.listing_count,
      availability: row.availability ?? null,
      /** What the last read left out ("1 of 2 structured-data blocks invalid: …") */
      payloadWarning: row.payload_warning ?? null,
      /** Whether minPrice/maxPrice include the buyer fees; null when the platform does not say */
      feesIncluded:
        row.fees_included === null || row.fees_included === undefined
          ? null
          : Boolean(row.fees_included),
    }
  }

  static listing(row: any) {
    return {
      id: row.id,
      platform: row.platform_slug,
      section: row.section,
      row: row.row,
      quantity: row.quantity,
      splits: typeof row.splits === 'string' ? JSON.parse(row.splits) : row.splits,
      price:
        row.price_minor === null ? null : { amountMinor: row.price_minor, currency: row.currency },
      priceWithFees:
        row.price_with_fees_minor === null
          ? null
          : { amountMinor: row.price_with_fees_minor, currency: row.currency },
      /** Per order, when the platform states it (undefined columns: a query that did not select them) */
      delivery:
        (row.delivery_fee_minor ?? null) === null && (row.delivery_method ?? null) === null
          ? null
          : {
              method: row.delivery_method ?? null,
              fee:
                row.delivery_fee_minor === null
                  ? null
                  : { amountMinor: row.delivery_fee_minor, currency: row.currency },
            },
      format: row.format,
      inHand: row.in_hand === null ? null : Boolean(row.in_hand),
      notes: row.notes,
      lastChangedAt: iso(row.last_changed_at),
    }
  }

  static change(row: any) {
    return {
      kind: row.kind,
      listingId: row.listing_id,
      oldPrice:
        row.old_price_minor === null
          ? null
          : { amountMinor: row.old_price_minor, currency: row.currency },
      newPrice:
        row.new_price_minor === null
          ? null
          : { amountMinor: row.new_price_minor, currency: row.currency },
      oldQuantity: row.old_quantity,
      newQuantity: row.new_quantity,
      observedAt: iso(row.observed_at),
    }
  }
}
