import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The demo in the scaled mode, what `npm start` does by itself in the
 * embedded mode: the sandbox exchange's events discovered (SANDBOX_URL, the
 * `sandbox:serve` process), the demo rules and history, and — once the
 * workers have checked the markets — the demo purchase waiting for
 * approval. Run after `db:seed`, with the cluster up; running it again
 * changes nothing that is already there.
 */
export default class DemoSetup extends BaseCommand {
  static commandName = 'demo:setup'
  static description =
    'Set up the demo in the scaled mode: sandbox discovery, demo rules and history, the demo purchase'
  static options: CommandOptions = { startApp: true }

  @flags.number({
    description: 'Seconds to wait for checked markets before the demo purchase',
    default: 90,
  })
  declare wait: number

  async run() {
    const { default: connectorsConfig } = await import('#config/connectors')
    if (!connectorsConfig.sandbox.url) {
      this.logger.error(
        'SANDBOX_URL is not set: start `node build/ace.js sandbox:serve` and set SANDBOX_URL (README → Deployment)'
      )
      this.exitCode = 1
      return
    }
    const { ensurePlatformRows } = await import('#connectors/platform_rows')
    await ensurePlatformRows()
    const { startEmbeddedSandboxIfNeeded } = await import('#services/embedded_sandbox')
    await startEmbeddedSandboxIfNeeded()
    const { discoverEvents } = await import('#monitoring/discovery_service')
    const found = await discoverEvents('sandbox', {}, { maxPages: 20 })
    this.logger.info(`sandbox: ${found.seen} events (${found.createdEvents} new)`)
    const { ensureDemoRules, ensureDemoHistory, ensureDemoPurchase } =
      await import('#services/demo')
    await ensureDemoRules()
    await ensureDemoHistory()
    this.logger.info('demo rules and history in place')
    const deadline = Date.now() + Math.max(0, this.wait) * 1000
    for (;;) {
      const state = await ensureDemoPurchase()
      if (state === 'done') {
        this.logger.success('Demo ready: a purchase request waits for approval')
        return
      }
      if (state !== 'waiting for listings' || Date.now() > deadline) {
        this.logger.warning(
          `demo purchase not prepared (${state}): are the monitor and workers running? Run demo:setup again later`
        )
        return
      }
      await new Promise((resolve) => setTimeout(resolve, 3_000))
    }
  }
}
