/**
 * Check times of unchanged checks, written in batches: one transaction
 * every `flushMs` instead of one UPDATE per check. Losing a batch (a killed
 * worker) only means those sources are checked again sooner.
 */
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'

interface Stamp {
  checkedAt: Date
  nextCheckAt: Date
  intervalMs: number
  volatility: number
}

export class CheckStamps {
  #pending = new Map<number, Stamp>()
  #timer: NodeJS.Timeout | null = null
  #flushing: Promise<void> | null = null

  constructor(private flushMs = 500) {}

  add(sourceId: number, stamp: Stamp) {
    this.#pending.set(sourceId, stamp)
    this.#timer ??= setTimeout(() => {
      this.#timer = null
      this.flush().catch((error) => logger.error({ err: error }, 'could not write check times'))
    }, this.flushMs)
  }

  get size() {
    return this.#pending.size
  }

  async flush() {
    if (this.#flushing) await this.#flushing
    if (this.#pending.size === 0) return
    const batch = this.#pending
    this.#pending = new Map()
    this.#flushing = db
      .transaction(async (trx) => {
        for (const [id, stamp] of batch) {
          await trx
            .from('event_sources')
            .where('id', id)
            .update({
              last_checked_at: stamp.checkedAt,
              last_success_at: stamp.checkedAt,
              next_check_at: stamp.nextCheckAt,
              check_interval_ms: Math.round(stamp.intervalMs),
              volatility: stamp.volatility,
              consecutive_failures: 0,
              last_error: null,
            })
        }
      })
      .finally(() => {
        this.#flushing = null
      })
    await this.#flushing
  }
}

export const checkStamps = new CheckStamps()
