import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import {
  notifyPurchaseOutcome,
  type PurchaseOutcomeNotice,
} from '#notifications/purchase_notifications'

/**
 * A purchase outcome → its notification. Queued by the purchase event
 * handler (one write on the purchase's path instead of the notification's
 * queries); the queue retries it if the worker dies. One notification per
 * (request, outcome): a repeat finds it and does nothing.
 */
export default class NotifyPurchaseOutcome extends Job<PurchaseOutcomeNotice> {
  static options: JobOptions = {
    name: 'NotifyPurchaseOutcome',
    queue: 'notifications',
    maxRetries: 3,
  }

  async execute(): Promise<void> {
    await notifyPurchaseOutcome(this.payload)
  }
}
