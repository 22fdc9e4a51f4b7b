import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { writeFileSync } from 'node:fs'

/**
 * One run of the alert → webhook fan-out benchmark against a receiver in
 * another process (bench/webhook_receiver.js). Used by `npm run bench`; it
 * empties the configured database first.
 */
export default class BenchNotifications extends BaseCommand {
  static commandName = 'bench:notifications'
  static description =
    'Benchmark alert → webhook fan-out against a local receiver (empties the configured database)'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'URL of the running webhook receiver', required: true })
  declare receiverUrl: string

  @flags.number({ description: 'Alerts in the burst (throughput)', default: 10_000 })
  declare alerts: number

  @flags.number({ description: 'Alerts in the paced run (latency)', default: 2_000 })
  declare paced: number

  @flags.number({
    description: 'Alerts per second in the paced run (default: half the burst rate)',
  })
  declare rate?: number

  @flags.number({ description: 'Users, one webhook each', default: 100 })
  declare users: number

  @flags.number({ description: 'Queue worker concurrency (default: config/queue.ts, as deployed)' })
  declare concurrency?: number

  @flags.string({ description: 'Write the JSON result to this file' })
  declare out?: string

  async run() {
    const { runFanoutBenchmark } = await import('#bench/fanout')
    const result = await runFanoutBenchmark({
      receiverUrl: this.receiverUrl,
      alerts: this.alerts,
      pacedAlerts: this.paced,
      pacedRate: this.rate,
      users: this.users,
      concurrency: this.concurrency,
      log: (line) => this.logger.info(line),
    })
    const json = JSON.stringify(result)
    if (this.out) writeFileSync(this.out, json)
    else console.log(json)
    process.exit(0)
  }
}
