import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import { sendDigests } from '#notifications/digest_sender'

/** Every minute: one message per (channel, closed digest window) of low-priority notifications. */
export default class SendNotificationDigests extends Job<Record<string, never>> {
  static options: JobOptions = {
    name: 'SendNotificationDigests',
    queue: 'notifications',
    maxRetries: 0,
  }

  outcome: { digests: number; items: number } | null = null

  async execute(): Promise<void> {
    this.outcome = await sendDigests()
  }
}
