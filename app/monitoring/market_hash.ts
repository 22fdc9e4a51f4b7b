/**
 * A market's fingerprint: what a check would compare against the stored
 * state (event status, price summary, availability, a stated reschedule,
 * what the read left out, and each listing's id, price and quantity, in the
 * platform's order-independent form). Equal fingerprints
 * mean the diff would find nothing. Pure; MD5 is used as a fast checksum,
 * not for security.
 */
import { createHash } from 'node:crypto'
import type { MarketSnapshot } from '#connectors/contract'

export function marketHash(snapshot: MarketSnapshot): string {
  const hash = createHash('md5')
  const summary = snapshot.summary
  hash.update(
    `${snapshot.event.status}|${summary.min?.amountMinor ?? ''}|${summary.max?.amountMinor ?? ''}|${summary.listingCount ?? ''}|${summary.min?.currency ?? ''}`
  )
  /** Also written by a check: availability, a reschedule, what the read left out */
  if (snapshot.availability || snapshot.event.previousStartsAt || snapshot.problems?.length) {
    hash.update(
      `|${snapshot.availability ?? ''}|${snapshot.event.previousStartsAt ?? ''}>${snapshot.event.startsAt ?? ''}|${(
        snapshot.problems ?? []
      )
        .map((p) => `${p.item}:${p.ref ?? ''}:${p.path}:${p.reason}`)
        .sort()
        .join(',')}`
    )
  }
  if (snapshot.listings) {
    const rows: string[] = new Array(snapshot.listings.length)
    for (let index = 0; index < snapshot.listings.length; index++) {
      const listing = snapshot.listings[index]
      rows[index] =
        `${listing.ref}:${listing.price?.amountMinor ?? ''}:${listing.price?.currency ?? ''}:${listing.quantity}:${listing.priceWithFees?.amountMinor ?? ''}`
    }
    rows.sort()
    hash.update(rows.join(','))
  } else {
    hash.update('no-listings')
  }
  return hash.digest('hex')
}
