import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import logger from '@adonisjs/core/services/logger'
import { discoverFollowed } from '#monitoring/follow_discovery'

interface DiscoverFollowedEventsPayload {
  /** Only these rules (right after one is saved); every follow rule when absent (the hourly schedule) */
  ruleIds?: number[]
}

/** Searches the platforms for what follow rules follow and stores the new events (app/monitoring/follow_discovery.ts). */
export default class DiscoverFollowedEvents extends Job<DiscoverFollowedEventsPayload> {
  static options: JobOptions = { name: 'DiscoverFollowedEvents', queue: 'default', maxRetries: 1 }

  async execute() {
    const result = await discoverFollowed({ ruleIds: this.payload.ruleIds })
    logger.info({ ...result, errors: result.errors.length }, 'followed events discovered')
  }
}
