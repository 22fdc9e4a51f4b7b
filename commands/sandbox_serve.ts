import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The sandbox exchange on its own: the Ticket Evolution protocol subset on a
 * moving, seeded market. Point HDTickets at it with SANDBOX_URL.
 */
export default class SandboxServe extends BaseCommand {
  static commandName = 'sandbox:serve'
  static description =
    'Serve the sandbox exchange (Ticket Evolution protocol subset) on a simulated market'
  static options: CommandOptions = { startApp: false, staysAlive: true }

  @flags.number({ description: 'Port (0: any free port)', default: 4010 })
  declare port: number

  @flags.string({ description: 'Host to listen on', default: '127.0.0.1' })
  declare host: string

  @flags.number({ description: 'Number of events', default: 60 })
  declare events: number

  @flags.number({ description: 'Listings per event', default: 24 })
  declare listings: number

  @flags.number({ description: 'Market changes per second across the market', default: 5 })
  declare pace: number

  @flags.number({ description: 'Seed of the market simulator', default: 1 })
  declare seed: number

  @flags.string({
    description:
      'Append one line per request to this file (arrival ms, method, path?query, status, ms; tab-separated): benchmarks count from it',
  })
  declare requestLog?: string

  async run() {
    for (const [name, value] of Object.entries({
      events: this.events,
      listings: this.listings,
      port: this.port,
    })) {
      if (!Number.isInteger(value) || value < 0) {
        this.logger.error(`--${name} must be a whole number ≥ 0 (got ${value})`)
        this.exitCode = 1
        /** A command that stays alive hands its exit code on only through terminate(). */
        return this.terminate()
      }
    }
    const { startSandboxExchange } = await import('#sandbox/start_sandbox')
    const { SANDBOX_CREDENTIALS } = await import('#connectors/sandbox/sandbox_credentials')
    let exchange: Awaited<ReturnType<typeof startSandboxExchange>>
    try {
      exchange = await startSandboxExchange({
        port: this.port,
        host: this.host,
        events: this.events,
        listingsPerEvent: this.listings,
        changesPerSecond: this.pace,
        seed: this.seed,
        requestLog: this.requestLog,
      })
    } catch (error) {
      /** A port in use, a request log that cannot be written: named, no stack. */
      this.logger.error(`the sandbox exchange did not start: ${(error as Error).message}`)
      this.exitCode = 1
      return this.terminate()
    }
    this.logger.success(
      `Sandbox exchange on ${exchange.url} (${this.events} events × ${this.listings} listings)`
    )
    this.logger.info(
      `Demo credential: token ${SANDBOX_CREDENTIALS.token.slice(0, 4)}… (see app/connectors/sandbox/sandbox_credentials.ts)`
    )
    const stop = async () => {
      await exchange.stop()
      process.exit(0)
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  }
}
