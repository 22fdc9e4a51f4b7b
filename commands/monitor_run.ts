import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The monitoring runtime as a process of its own (the scaled mode's monitor
 * role): check dispatch, outbox and notification sweeps, recurring
 * schedules. Run two for failover: one holds the dispatcher lease, the other
 * stands by and takes over within 15 s of the first dying. SIGTERM: the tick
 * in hand finishes, the lease is given back, connections close.
 */
export default class MonitorRun extends BaseCommand {
  static commandName = 'monitor:run'
  static description =
    'Run the monitoring runtime (check dispatcher, sweeps, schedules) under a lease: the scaled mode’s monitor role'
  static options: CommandOptions = { startApp: true, staysAlive: true }

  async run() {
    const { MonitorRuntime } = await import('#monitoring/runtime')
    const { channelRegistry } = await import('#notifications/runtime')
    await channelRegistry()
    const runtime = new MonitorRuntime()
    const stopped = new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGTERM', stop)
        process.off('SIGINT', stop)
        this.logger.info('monitor: stopping (the tick in hand finishes)')
        runtime.stop().finally(resolve)
      }
      process.on('SIGTERM', stop)
      process.on('SIGINT', stop)
    })
    await runtime.start()
    await stopped
  }
}
