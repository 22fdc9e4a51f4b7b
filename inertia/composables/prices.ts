/**
 * Prices in the signed-in user's mode (all-in or before fees), for pages.
 * The same rule as the server's app/analytics/fees.ts (pages import no server
 * code): all-in = per ticket with fees and tax, plus the delivery charge per
 * order spread over the tickets bought; unknown fees fall back to the price
 * before fees, and the label says so.
 */
import { computed } from 'vue'
import { usePage } from '@inertiajs/vue3'

export type PriceMode = 'all_in' | 'base'
type Money = { amountMinor: number; currency: string }
export type PricedRow = {
  price: Money | null
  priceWithFees?: Money | null
  delivery?: { method: string | null; fee: Money | null } | null
}

export function usePriceMode() {
  const page = usePage<{ user?: { priceMode?: PriceMode } | null }>()
  return computed<PriceMode>(() => page.props.user?.priceMode ?? 'all_in')
}

/** Per ticket in `mode` for `quantity` tickets, with whether fees are in. */
export function shownPrice(row: PricedRow, mode: PriceMode, quantity = 1) {
  const n = Math.max(1, Math.trunc(quantity) || 1)
  if (mode === 'all_in' && row.priceWithFees) {
    const delivery = row.delivery?.fee?.amountMinor ?? 0
    return {
      money: {
        amountMinor: Math.ceil((n * row.priceWithFees.amountMinor + delivery) / n),
        currency: row.priceWithFees.currency,
      },
      feesIncluded: true,
    }
  }
  return { money: row.price, feesIncluded: false }
}

export function priceColumnLabel(mode: PriceMode) {
  return mode === 'all_in' ? 'All-in / ticket' : 'Price / ticket (before fees)'
}
