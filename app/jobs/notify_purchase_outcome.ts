import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import type { PurchaseFailed, PurchaseSucceeded } from '#purchasing/purchase_events'
import {
  notifyPurchaseFailed,
  notifyPurchaseSucceeded,
} from '#notifications/purchase_notifications'

type NotifyPurchaseOutcomePayload =
  | { kind: 'purchase_success'; outcome: PurchaseSucceeded }
  | { kind: 'purchase_failed'; outcome: PurchaseFailed }

/**
 * A purchase outcome → its notification. Queued by the purchase event
 * handler (one write on the purchase's path instead of the notification's
 * queries); the queue retries it if the worker dies. One notification per
 * (request, outcome): a repeat finds it and does nothing.
 */
export default class NotifyPurchaseOutcome extends Job<NotifyPurchaseOutcomePayload> {
  static options: JobOptions = {
    name: 'NotifyPurchaseOutcome',
    queue: 'notifications',
    maxRetries: 3,
  }

  async execute(): Promise<void> {
    if (this.payload.kind === 'purchase_success')
      await notifyPurchaseSucceeded(this.payload.outcome)
    else await notifyPurchaseFailed(this.payload.outcome)
  }
}
