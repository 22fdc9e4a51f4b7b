/**
 * Purchase outcomes → purchase_success / purchase_failed notifications.
 * Registered once per process (start/notifications.ts); the handlers run
 * after the outcome is committed and only queue a job.
 */
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { hdtickets } from '#config/app'
import {
  onPurchase,
  type PurchaseFailed,
  type PurchaseSucceeded,
} from '#purchasing/purchase_events'
import { buildPurchaseFailed, buildPurchaseSuccess } from '#notifications/message'
import { createNotifications } from '#notifications/notification_service'
import { lazy } from '#services/lazy'
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

let registered = false

/** Queue writes started by the handlers and not settled yet (shutdown waits for them). */
const inFlight = new Set<Promise<unknown>>()

/**
 * Idempotent: a second call does not register the handlers twice. The
 * handlers only start queueing a NotifyPurchaseOutcome job: the purchase's
 * own path does not wait for it, nor for the notification's queries. When
 * the job cannot be queued (Redis away, the queue already closing), the
 * notification is written at once instead — with its deliveries, which the
 * notification sweep queues again if their own jobs cannot be queued.
 */
const notifyJob = lazy(() => import('#jobs/notify_purchase_outcome'))

export function registerPurchaseNotifications() {
  if (registered) return
  registered = true
  // Not awaited: the purchase's other listeners (and its caller) do not wait on the queue write.
  const queue = (payload: PurchaseOutcomePayload) => {
    const requestId = payload.outcome.requestId
    const pending: Promise<unknown> = notifyJob()
      .then(({ default: NotifyPurchaseOutcome }) => NotifyPurchaseOutcome.dispatch(payload))
      .catch(async (error) => {
        logger.warn(
          { err: error, requestId },
          'could not queue a purchase notification: writing it now'
        )
        try {
          if (payload.kind === 'purchase_success') await notifyPurchaseSucceeded(payload.outcome)
          else await notifyPurchaseFailed(payload.outcome)
        } catch (writeError) {
          logger.error({ err: writeError, requestId }, 'could not write a purchase notification')
        }
      })
      .finally(() => inFlight.delete(pending))
    inFlight.add(pending)
  }
  onPurchase('purchase_success', (outcome) => queue({ kind: 'purchase_success', outcome }))
  onPurchase('purchase_failed', (outcome) => queue({ kind: 'purchase_failed', outcome }))
}

/**
 * Resolves when every purchase notification a handler started is queued
 * (or written): the shutdown hook awaits it before the queue, Redis and the
 * database close (start/notifications.ts).
 */
export async function settlePurchaseNotifications() {
  while (inFlight.size) await Promise.allSettled([...inFlight])
}

type PurchaseOutcomePayload =
  | { kind: 'purchase_success'; outcome: PurchaseSucceeded }
  | { kind: 'purchase_failed'; outcome: PurchaseFailed }
