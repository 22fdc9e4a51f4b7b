import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import { runEscalations } from '#notifications/escalation_runner'

/** Every minute: unacknowledged high-priority alerts move to the next channel of the user's chain. */
export default class EscalateNotifications extends Job<Record<string, never>> {
  static options: JobOptions = {
    name: 'EscalateNotifications',
    queue: 'notifications',
    maxRetries: 0,
  }

  outcome: { escalated: number; stopped: number } | null = null

  async execute(): Promise<void> {
    this.outcome = await runEscalations()
  }
}
