/**
 * Expiring purchase requests not yet executing: their time ran out, or their
 * listing left the market. Each is a conditional move (requests.ts), so any
 * number of workers may run this at once.
 */
import db from '@adonisjs/lucid/services/db'
import { moveRequest, normaliseRequest, type RequestRow } from '#purchasing/requests'
import { ACTIVE_STATES, IllegalTransition, type PurchaseState } from '#purchasing/state_machine'
import { dbTime, fromDbTime } from '#purchasing/sql'

/** Expires one request; false when it moved on meanwhile (another run, an approval). */
export async function expireRequest(request: RequestRow, code: string, reason: string, now: Date) {
  try {
    await db.transaction((trx) =>
      moveRequest(trx, {
        id: request.id,
        from: request.status,
        to: 'expired',
        actorId: null,
        action: 'purchase.expired',
        reason,
        patch: { reason, failure_code: code },
        now,
      })
    )
    return true
  } catch (error) {
    if (error instanceof IllegalTransition) return false
    throw error
  }
}

/**
 * Expires requests not yet executing whose time ran out or whose listing
 * disappeared from the market. Safe to run from any number of workers.
 */
export async function expireStaleRequests(now: Date): Promise<{ expired: number }> {
  const waiting: PurchaseState[] = ACTIVE_STATES.filter((state) => state !== 'executing')
  const client = db.connection()
  const rows = await client
    .from('purchase_requests as r')
    .leftJoin('listings as l', 'l.id', 'r.listing_id')
    .whereIn('r.status', waiting)
    .where((query) =>
      query
        .where('r.expires_at', '<=', dbTime(client, now))
        .orWhereNull('r.listing_id')
        .orWhere('l.status', 'gone')
    )
    .select('r.*', 'l.status as listing_status')
    .limit(1000)
  let expired = 0
  for (const raw of rows) {
    const request = normaliseRequest(raw)
    const timedOut = (fromDbTime(raw.expires_at)?.getTime() ?? Infinity) <= now.getTime()
    const ok = timedOut
      ? await expireRequest(request, 'timed_out', 'Not executed in time', now)
      : await expireRequest(request, 'listing_gone', 'The listing is no longer offered', now)
    if (ok) expired++
  }
  return { expired }
}
