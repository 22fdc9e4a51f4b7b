/**
 * Choosing where to buy (pure): among the user's linked checkout-capable
 * accounts — one per platform, never a pool — the offer with the lowest
 * all-in total, then the better platform success rate, then the lower
 * account id (stable).
 */

export interface Offer {
  platformId: number
  platformSlug: string
  accountId: number
  eventRef: string
  listingRef: string
  /** HDTickets' listings.id, when the offer comes from the stored market */
  listingId: number | null
  unitMinor: number
  quantity: number
  currency: string
}

export interface SuccessRate {
  /** Smoothed share of attempts that ended with an order, 0..1 */
  rate: number
  attempts: number
}

export function selectOffer(
  offers: readonly Offer[],
  rates: ReadonlyMap<number, SuccessRate>
): Offer | null {
  const seenPlatforms = new Set<number>()
  const eligible: Offer[] = []
  for (const offer of offers) {
    if (seenPlatforms.has(offer.platformId)) {
      /** One account per platform: a second offer there must come from the same account. */
      if (
        !eligible.some((o) => o.platformId === offer.platformId && o.accountId === offer.accountId)
      )
        continue
    }
    seenPlatforms.add(offer.platformId)
    eligible.push(offer)
  }
  eligible.sort((a, b) => {
    const total = a.unitMinor * a.quantity - b.unitMinor * b.quantity
    if (total !== 0) return total
    const rate = (rates.get(b.platformId)?.rate ?? 0.5) - (rates.get(a.platformId)?.rate ?? 0.5)
    if (rate !== 0) return rate
    return a.accountId - b.accountId
  })
  return eligible[0] ?? null
}

/** Laplace-smoothed success rate: a platform with no history counts as 0.5. */
export function smoothedRate(succeeded: number, failed: number): number {
  return (succeeded + 1) / (succeeded + failed + 2)
}
