import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * For sse_2000_clients_ms (bench/analytics.js): publishes one market change
 * of --event on the live feed, as a check that changed the market does
 * (app/monitoring/live_feed.ts), from this process to the web processes
 * through the Redis transport (TRANSMIT_TRANSPORT=redis). Prints
 * `published <epoch ms>` just before the broadcast.
 */
export default class BenchMarketChange extends BaseCommand {
  static commandName = 'bench:market-change'
  static description = 'Publish one market change of an event on the live feed (SSE benchmark)'
  static options: CommandOptions = { startApp: true }

  @flags.number({ description: 'Event id' })
  declare event: number

  async run() {
    if (!(this.event > 0)) {
      this.logger.error('--event must be an event id')
      this.exitCode = 1
      return
    }
    const { default: env } = await import('#start/env')
    if (env.get('TRANSMIT_TRANSPORT', 'memory') !== 'redis') {
      this.logger.error('TRANSMIT_TRANSPORT=redis is needed to reach the web processes')
      this.exitCode = 1
      return
    }
    const { publishMarketChange } = await import('#monitoring/live_feed')
    const { readEventRollups } = await import('#analytics/event_rollup')
    const now = Date.now()
    const rollup = (await readEventRollups([this.event], now, now)).get(this.event)
    /** The transport's connections are up before the clock starts. */
    await new Promise((resolve) => setTimeout(resolve, 500))
    const at = Date.now()
    console.log(`published ${at}`)
    publishMarketChange({
      eventId: this.event,
      changes: 1,
      statusChanged: null,
      lowestPriceMinor: rollup?.lowest ?? null,
      currency: 'USD',
      at: new Date(at).toISOString(),
    })
    await new Promise((resolve) => setTimeout(resolve, 500))
    process.exit(0)
  }
}
