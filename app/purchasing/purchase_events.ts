/**
 * What purchasing announces, on the framework's emitter
 * (`@adonisjs/core/services/emitter`); listeners are registered in
 * start/events.ts and live in app/listeners/.
 *
 * - `purchase:approved`: a request was approved (by a person, or at once by a
 *   rule with auto_purchase) and committed; its order is to be placed.
 * - `purchase:succeeded` / `purchase:failed`: a request's outcome, committed.
 *
 * Outcomes are emitted through `announcePurchase`: a listener that throws is
 * logged and never undoes or blocks the purchase.
 */
import emitter from '@adonisjs/core/services/emitter'
import logger from '@adonisjs/core/services/logger'
import type { EventsList } from '@adonisjs/core/types'

export interface PurchaseApproved {
  requestId: number
  /** 1 (first) .. 10 (last): the queue priority of its order */
  priority: number
}

export interface PurchaseSucceeded {
  requestId: number
  userId: number
  orderId: number
  platform: string
  externalOrderId: string | null
  quantity: number
  totalMinor: number
  currency: string
  /** True when the order was found by its idempotency key (a retry or a crash before recording) */
  reconciled: boolean
  /**
   * The platform's state of the order: `pending` right after placing it
   * (the seller has yet to accept), `accepted`/`completed` once confirmed.
   */
  orderStatus?: string | null
}

export interface PurchaseFailed {
  requestId: number
  userId: number
  platform: string | null
  code: string
  reason: string
}

declare module '@adonisjs/core/types' {
  interface EventsList {
    'purchase:approved': PurchaseApproved
    'purchase:succeeded': PurchaseSucceeded
    'purchase:failed': PurchaseFailed
  }
}

/** A purchase outcome, after its commit. Listeners that throw are logged, never rethrown. */
export async function announcePurchase<K extends 'purchase:succeeded' | 'purchase:failed'>(
  event: K,
  payload: EventsList[K]
): Promise<void> {
  try {
    await emitter.emit(event, payload)
  } catch (error) {
    logger.error(
      { err: error, event, requestId: payload.requestId },
      'purchase event listener failed'
    )
  }
}
