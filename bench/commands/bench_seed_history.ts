import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { writeFileSync } from 'node:fs'

/**
 * Seeds a synthetic price history for the analytics benchmarks: --events
 * events with --changes listing_changes in all, and a user watching 20 of
 * them. Adds to the configured database (run it on a benchmark database).
 */
export default class BenchSeedHistory extends BaseCommand {
  static commandName = 'bench:seed-history'
  static description = 'Seed events and change-only price history for the analytics benchmarks'
  static options: CommandOptions = { startApp: true }

  @flags.number({ description: 'Events', default: 10_000 })
  declare events: number

  @flags.number({ description: 'listing_changes rows in all', default: 1_000_000 })
  declare changes: number

  @flags.string({ description: 'Write the result (counts, the bench user) as JSON to this file' })
  declare out?: string

  async run() {
    if (!(this.events > 0) || !(this.changes >= this.events)) {
      this.logger.error('--events must be positive and --changes at least --events')
      this.exitCode = 1
      return
    }
    const { seedHistory } = await import('#bench/history_seed')
    const started = performance.now()
    const result = await seedHistory({
      events: this.events,
      changes: this.changes,
      log: (line) => this.logger.info(line),
    })
    /** The history was written here, not by checks: the dashboard's roll-ups from it. */
    const { rebuildMarketRollups } = await import('#analytics/event_rollup')
    const rollups = await rebuildMarketRollups()
    this.logger.info(`roll-ups: ${rollups.markets} markets, ${rollups.points} lowest-price points`)
    this.logger.success(
      `${result.events} events, ${result.listings} listings, ${result.changes} history rows in ${Math.round((performance.now() - started) / 1000)} s`
    )
    if (this.out) writeFileSync(this.out, JSON.stringify(result))
  }
}
