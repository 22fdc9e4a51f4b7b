import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import { deliverDue, type DeliveryOutcome } from '#notifications/delivery'

/** One notification, or a batch of them (a check's alerts, fanned out together: fewer queue round trips). */
type DeliverNotificationPayload = { notificationId: number } | { notificationIds: number[] }

/**
 * Sends the due deliveries of one notification (or a batch) through their channels.
 * Carries an id; safe to run any number of times (each delivery is claimed
 * before it is sent, and sent with its idempotency key). Retries are the
 * service's backoff schedule: a transient failure re-queues this job for
 * the retry time; the queue itself never retries (maxRetries 0).
 */
export default class DeliverNotification extends Job<DeliverNotificationPayload> {
  static options: JobOptions = {
    name: 'DeliverNotification',
    queue: 'notifications',
    maxRetries: 0,
  }

  outcomes: DeliveryOutcome[] = []

  async execute(): Promise<void> {
    const ids =
      'notificationIds' in this.payload
        ? this.payload.notificationIds
        : [this.payload.notificationId]
    const results = await Promise.all(
      ids.map(async (id) => ({ id, outcomes: await deliverDue(id) }))
    )
    this.outcomes = results.flatMap((result) => result.outcomes)
    for (const { id, outcomes } of results) {
      const delays = outcomes.flatMap((outcome) =>
        outcome.outcome === 'retry' ? [outcome.delayMs] : []
      )
      if (delays.length)
        await DeliverNotification.dispatch({ notificationId: id }).in(Math.min(...delays))
    }
  }
}
