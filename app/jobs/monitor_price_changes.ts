import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import { checkSources } from '#monitoring/check_market_service'

interface MonitorPriceChangesPayload {
  sourceIds: number[]
}

/**
 * A batch of price-summary checks (platforms that give no listings:
 * Ticketmaster, SeatGeek, StubHub, event pages): one job for many sources.
 * Kept for jobs queued before CheckMarkets replaced it. Safe to repeat.
 */
export default class MonitorPriceChanges extends Job<MonitorPriceChangesPayload> {
  static options: JobOptions = { name: 'MonitorPriceChanges', queue: 'checks', maxRetries: 0 }

  async execute() {
    await checkSources(this.payload.sourceIds)
  }
}
