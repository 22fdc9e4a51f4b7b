/**
 * Outcomes other modules plug into (notifications, analytics): a small
 * callback registry. Handlers run after the outcome is committed; one that
 * throws is logged and never undoes or blocks the purchase.
 */
import logger from '@adonisjs/core/services/logger'

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

export interface PurchaseEventMap {
  purchase_success: PurchaseSucceeded
  purchase_failed: PurchaseFailed
}

type Handler<K extends keyof PurchaseEventMap> = (
  payload: PurchaseEventMap[K]
) => unknown | Promise<unknown>

const handlers: { [K in keyof PurchaseEventMap]: Set<Handler<K>> } = {
  purchase_success: new Set(),
  purchase_failed: new Set(),
}

/** Registers a handler; returns the function that removes it. */
export function onPurchase<K extends keyof PurchaseEventMap>(
  name: K,
  handler: Handler<K>
): () => void {
  handlers[name].add(handler)
  return () => {
    handlers[name].delete(handler)
  }
}

export async function emitPurchase<K extends keyof PurchaseEventMap>(
  name: K,
  payload: PurchaseEventMap[K]
): Promise<void> {
  for (const handler of [...handlers[name]]) {
    try {
      await handler(payload)
    } catch (error) {
      logger.error(
        { err: error, event: name, requestId: payload.requestId },
        'purchase event handler failed'
      )
    }
  }
}
