import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The dashboard's market roll-ups (app/analytics/event_rollup.ts) again from
 * the listings and the last 8 days of history: after history was written by
 * something other than the check pipeline (an import, a seed), or to check
 * them. The migration that creates the tables runs it once.
 */
export default class RollupsRebuild extends BaseCommand {
  static commandName = 'rollups:rebuild'
  static description = "Rebuild the dashboard's market roll-ups from the listings and history"
  static options: CommandOptions = { startApp: true }

  async run() {
    const { rebuildMarketRollups } = await import('#analytics/event_rollup')
    const started = performance.now()
    const result = await rebuildMarketRollups({ log: (line) => this.logger.info(line) })
    this.logger.success(
      `${result.markets} market(s), ${result.points} lowest-price point(s) in ${Math.round(performance.now() - started)} ms`
    )
  }
}
