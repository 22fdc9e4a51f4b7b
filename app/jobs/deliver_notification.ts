import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import { deliverDue, type DeliveryOutcome } from '#notifications/notification_service'

interface DeliverNotificationPayload {
  notificationId: number
}

/**
 * Sends the due deliveries of one notification through their channels.
 * Carries an id; safe to run any number of times (each delivery is claimed
 * before it is sent, and sent with its idempotency key). Retries are the
 * service's backoff schedule: a transient failure re-queues this job for
 * the retry time; the queue itself never retries (maxRetries 0).
 */
export default class DeliverNotification extends Job<DeliverNotificationPayload> {
  static options: JobOptions = { name: 'DeliverNotification', queue: 'notifications', maxRetries: 0 }

  outcomes: DeliveryOutcome[] = []

  async execute(): Promise<void> {
    this.outcomes = await deliverDue(this.payload.notificationId)
    const retry = this.outcomes.filter((outcome) => outcome.outcome === 'retry')
    if (retry.length) {
      const delayMs = Math.min(...retry.map((outcome) => (outcome.outcome === 'retry' ? outcome.delayMs : Infinity)))
      await DeliverNotification.dispatch({ notificationId: this.payload.notificationId }).in(delayMs)
    }
  }
}
