/**
 * The whole price a buyer pays (pure). A listing carries its per-ticket base
 * price, its per-ticket price with the platform's buyer fees and tax when the
 * platform gives them (`priceWithFeesMinor`), and a per-order delivery charge
 * with its method. For N tickets:
 *
 *   total = N × per-ticket-with-fees + delivery      (all-in)
 *   total = N × base price                           (base)
 *
 * and the per-ticket figure of either is total ÷ N, rounded up to the minor
 * unit (a buyer never pays less than the sum). When the platform gives no fee
 * figure the all-in price is unknown: the base price is used and the result
 * says `feesIncluded: false`, so every label can tell the truth.
 */

export const PRICE_MODES = ['all_in', 'base'] as const
export type PriceMode = (typeof PRICE_MODES)[number]
export const DEFAULT_PRICE_MODE: PriceMode = 'all_in'

export type PricedListing = {
  priceMinor: number | null
  priceWithFeesMinor: number | null
  /** Per order; null when the platform does not say */
  deliveryFeeMinor?: number | null
}

export type ChosenPrice = {
  /** Per ticket, in the mode asked for (or base when fees are unknown) */
  unitMinor: number
  /** For `quantity` tickets */
  totalMinor: number
  quantity: number
  /** Whether fees (and delivery) are in the figure */
  feesIncluded: boolean
}

export function isPriceMode(value: unknown): value is PriceMode {
  return typeof value === 'string' && (PRICE_MODES as readonly string[]).includes(value)
}

/**
 * The price of `quantity` tickets of a listing in a mode; null when the
 * listing has no price at all. Quantity below 1 is read as 1.
 */
export function priceFor(
  listing: PricedListing,
  mode: PriceMode,
  quantity = 1
): ChosenPrice | null {
  const n = Math.max(1, Math.trunc(quantity) || 1)
  if (mode === 'all_in' && listing.priceWithFeesMinor !== null) {
    const totalMinor = n * listing.priceWithFeesMinor + (listing.deliveryFeeMinor ?? 0)
    return { unitMinor: Math.ceil(totalMinor / n), totalMinor, quantity: n, feesIncluded: true }
  }
  if (listing.priceMinor === null) {
    if (listing.priceWithFeesMinor === null) return null
    /** Only a fee-inclusive figure is known: it is what there is, and it says so */
    const totalMinor = n * listing.priceWithFeesMinor + (listing.deliveryFeeMinor ?? 0)
    return { unitMinor: Math.ceil(totalMinor / n), totalMinor, quantity: n, feesIncluded: true }
  }
  return {
    unitMinor: listing.priceMinor,
    totalMinor: n * listing.priceMinor,
    quantity: n,
    feesIncluded: false,
  }
}

/** Per-ticket price in a mode (one ticket, delivery spread over it): lists and sorting. */
export function unitPrice(listing: PricedListing, mode: PriceMode, quantity = 1): number | null {
  return priceFor(listing, mode, quantity)?.unitMinor ?? null
}

/** The fee part of one ticket (service fee + tax), null when unknown. */
export function feePerTicket(listing: PricedListing): number | null {
  if (listing.priceMinor === null || listing.priceWithFeesMinor === null) return null
  return listing.priceWithFeesMinor - listing.priceMinor
}

/** What a price column is called in a mode: every figure says whether fees are in. */
export function priceLabel(mode: PriceMode): string {
  return mode === 'all_in'
    ? 'All-in price / ticket (fees, tax, delivery)'
    : 'Price / ticket (before fees)'
}
