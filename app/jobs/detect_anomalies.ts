import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import { detectAndRaiseAnomalies } from '#alerts/anomaly_service'

/** Every 10 minutes (app/monitoring/schedules.ts): price spikes and crashes, listing floods and vanishings, failing sources. */
export default class DetectAnomalies extends Job<Record<string, never>> {
  static options: JobOptions = { name: 'DetectAnomalies', queue: 'default', maxRetries: 0 }

  async execute() {
    await detectAndRaiseAnomalies()
  }
}
