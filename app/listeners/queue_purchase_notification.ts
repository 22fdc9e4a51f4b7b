/**
 * `purchase:succeeded` / `purchase:failed` → a NotifyPurchaseOutcome job.
 *
 * The listener only starts queueing the job: the purchase's own path does
 * not wait for the queue write, nor for the notification's queries. When the
 * job cannot be queued (Redis away, the queue already closing), the
 * notification is written at once instead — with its deliveries, which the
 * notification sweep queues again if their own jobs cannot be queued.
 */
import logger from '@adonisjs/core/services/logger'
import NotifyPurchaseOutcome from '#jobs/notify_purchase_outcome'
import {
  notifyPurchaseOutcome,
  type PurchaseOutcomeNotice,
} from '#notifications/purchase_notifications'
import type { PurchaseFailed, PurchaseSucceeded } from '#purchasing/purchase_events'

/** Queue writes started here and not settled yet (shutdown waits for them). */
const inFlight = new Set<Promise<unknown>>()

function queue(payload: PurchaseOutcomeNotice) {
  const requestId = payload.outcome.requestId
  const pending: Promise<unknown> = Promise.resolve()
    .then(() => NotifyPurchaseOutcome.dispatch(payload))
    .catch(async (error) => {
      logger.warn(
        { err: error, requestId },
        'could not queue a purchase notification: writing it now'
      )
      try {
        await notifyPurchaseOutcome(payload)
      } catch (writeError) {
        logger.error({ err: writeError, requestId }, 'could not write a purchase notification')
      }
    })
    .finally(() => inFlight.delete(pending))
  inFlight.add(pending)
}

export default class QueuePurchaseNotification {
  /** Not awaited: the purchase's other listeners (and its caller) do not wait on the queue write. */
  succeeded(outcome: PurchaseSucceeded) {
    queue({ kind: 'purchase_success', outcome })
  }

  failed(outcome: PurchaseFailed) {
    queue({ kind: 'purchase_failed', outcome })
  }
}

/**
 * Resolves when every purchase notification this listener started is queued
 * (or written): shutdown awaits it before the queue, Redis and the database
 * close (start/events.ts, start/queue_shutdown.ts).
 */
export async function settlePurchaseNotifications() {
  while (inFlight.size) await Promise.allSettled([...inFlight])
}
