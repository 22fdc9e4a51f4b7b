/**
 * Purchase outcomes → purchase_success / purchase_failed notifications.
 * Written by the NotifyPurchaseOutcome job, which the `purchase:succeeded`
 * and `purchase:failed` listener queues (app/listeners/queue_purchase_notification.ts).
 */
import db from '@adonisjs/lucid/services/db'
import { hdtickets } from '#config/app'
import type { PurchaseFailed, PurchaseSucceeded } from '#purchasing/purchase_events'
import { buildPurchaseFailed, buildPurchaseSuccess } from '#notifications/message'
import { createNotifications } from '#notifications/create_notifications'
import { orderVerdict } from '#purchasing/order_states'

async function requestFacts(requestId: number) {
  return db
    .from('purchase_requests')
    .leftJoin('events', 'events.id', 'purchase_requests.event_id')
    .leftJoin('listings', 'listings.id', 'purchase_requests.listing_id')
    .where('purchase_requests.id', requestId)
    .select(
      'purchase_requests.*',
      'events.name as event_name',
      'events.starts_at',
      'events.venue',
      'listings.section',
      'listings.row as listing_row'
    )
    .first()
}

/**
 * Whether this request already has its notification of this type (a
 * repeated job or event); for a purchase, of this stage (placed, confirmed).
 */
async function alreadyNotified(
  userId: number,
  type: string,
  requestId: number,
  stage: string | null = null
) {
  const rows = await db
    .from('notifications')
    .where({ user_id: userId, type })
    .whereNull('alert_id')
    .orderBy('id', 'desc')
    .limit(200)
    .select('data')
  return rows.some((row) => {
    const data = typeof row.data === 'string' ? JSON.parse(row.data) : row.data
    return (
      Number(data?.purchaseRequestId) === requestId &&
      (stage === null || orderStage(data?.orderStatus) === stage)
    )
  })
}

/** "placed" while the platform has yet to accept the order, "confirmed" after (or when it gives no state). */
function orderStage(status: unknown) {
  return typeof status === 'string' && orderVerdict(status) === 'open' ? 'placed' : 'confirmed'
}

export async function notifyPurchaseSucceeded(payload: PurchaseSucceeded, now = new Date()) {
  const stage = orderStage(payload.orderStatus)
  if (await alreadyNotified(payload.userId, 'purchase_success', payload.requestId, stage)) return []
  const facts = await requestFacts(payload.requestId)
  const message = buildPurchaseSuccess(
    {
      eventName: facts?.event_name ?? 'your event',
      eventId: facts?.event_id ?? undefined,
      purchaseRequestId: payload.requestId,
      orderId: payload.externalOrderId ?? String(payload.orderId),
      platform: payload.platform,
      section: facts?.section ?? null,
      row: facts?.listing_row ?? null,
      quantity: payload.quantity,
      totalMinor: payload.totalMinor,
      currency: payload.currency,
      orderStatus: payload.orderStatus ?? null,
    },
    { appUrl: hdtickets.url, now }
  )
  return createNotifications([{ userId: payload.userId, message }], { now })
}

export async function notifyPurchaseFailed(payload: PurchaseFailed, now = new Date()) {
  if (await alreadyNotified(payload.userId, 'purchase_failed', payload.requestId)) return []
  const facts = await requestFacts(payload.requestId)
  const message = buildPurchaseFailed(
    {
      eventName: facts?.event_name ?? 'your event',
      eventId: facts?.event_id ?? undefined,
      purchaseRequestId: payload.requestId,
      platform: payload.platform,
      reason: payload.reason,
      quantity: facts?.quantity ?? null,
      currency: facts?.currency ?? null,
    },
    { appUrl: hdtickets.url, now }
  )
  return createNotifications([{ userId: payload.userId, message }], { now })
}

/** A purchase's outcome as its notification's input: what the purchase events carry, by kind. */
export type PurchaseOutcomeNotice =
  | { kind: 'purchase_success'; outcome: PurchaseSucceeded }
  | { kind: 'purchase_failed'; outcome: PurchaseFailed }

/** The notification of a purchase's outcome, whichever it is. */
export async function notifyPurchaseOutcome(notice: PurchaseOutcomeNotice) {
  if (notice.kind === 'purchase_success') await notifyPurchaseSucceeded(notice.outcome)
  else await notifyPurchaseFailed(notice.outcome)
}
