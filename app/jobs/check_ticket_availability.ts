import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import { checkSource } from '#monitoring/check_market_service'
import { timeJob } from '#monitoring/metrics'

interface CheckTicketAvailabilityPayload {
  sourceId: number
}

/**
 * The market of one event on one source. Carries an id, never an object;
 * safe to run twice (the diff against stored listings makes a repeat a no-op).
 */
export default class CheckTicketAvailability extends Job<CheckTicketAvailabilityPayload> {
  static options: JobOptions = { name: 'CheckTicketAvailability', queue: 'checks', maxRetries: 0 }

  async execute() {
    await timeJob(
      'CheckTicketAvailability',
      () => checkSource(this.payload.sourceId),
      (result) => result.outcome
    )
  }
}
