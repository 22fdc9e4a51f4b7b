import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import db from '@adonisjs/lucid/services/db'

interface PruneExpiredTokensPayload {
  /** Only for a controlled clock in tests; defaults to now */
  now?: string
}

/**
 * Deletes API access tokens past their expiry. Idempotent: running it twice
 * deletes nothing more. Scheduled daily (app/monitoring/schedules.ts).
 */
export default class PruneExpiredTokens extends Job<PruneExpiredTokensPayload> {
  static options: JobOptions = { name: 'PruneExpiredTokens', queue: 'default', maxRetries: 3 }

  async execute() {
    const now = this.payload.now ? new Date(this.payload.now) : new Date()
    await db
      .from('auth_access_tokens')
      .whereNotNull('expires_at')
      .where('expires_at', '<', now)
      .delete()
  }
}
