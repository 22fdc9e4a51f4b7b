import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import { checkSources } from '#monitoring/check_market_service'
import { timeJob } from '#monitoring/metrics'

interface CheckMarketsPayload {
  sourceIds: number[]
  /** The dispatcher's claim on these pairs (event_sources.claimed_until) */
  claim: number
}

/**
 * A batch of checks the dispatcher claimed in one statement. Carries ids and
 * the claim, never objects; a pair no longer carrying the claim (the job
 * ran already, or its claim expired and the pair was claimed again) is not
 * checked, so running it twice checks nothing twice.
 */
export default class CheckMarkets extends Job<CheckMarketsPayload> {
  static options: JobOptions = { name: 'CheckMarkets', queue: 'checks', maxRetries: 0 }

  async execute() {
    await timeJob('CheckMarkets', async () => {
      await checkSources(this.payload.sourceIds, new Date(), { claim: this.payload.claim })
    })
  }
}
