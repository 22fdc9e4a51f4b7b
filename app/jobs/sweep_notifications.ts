import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import { sweepNotifications } from '#notifications/notification_sweep'

/** Every minute: alerts never notified and deliveries whose job was lost get queued again. */
export default class SweepNotifications extends Job<Record<string, never>> {
  static options: JobOptions = { name: 'SweepNotifications', queue: 'notifications', maxRetries: 0 }

  outcome: { alerts: number; requeued: number } | null = null

  async execute(): Promise<void> {
    this.outcome = await sweepNotifications()
  }
}
