/*
|--------------------------------------------------------------------------
| Embedded mode
|--------------------------------------------------------------------------
|
| With EMBEDDED=true (the default of `npm start`) the web process also runs
| the queue worker, the sandbox exchange (the demo's market, unless
| SANDBOX_URL points elsewhere) and the monitoring runtime (check dispatch,
| sweeps, schedules: app/monitoring/runtime.ts). In the scaled mode, set
| EMBEDDED=false and run `node build/ace.js queue:work` workers and a
| `node build/ace.js monitor:run` monitor (README → Deployment).
|
*/
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { hdtickets } from '#config/app'

if (hdtickets.embedded && !app.inTest) {
  /** A SIGTERM during start-up (discovery, the demo's history) waits for it, then stops. */
  let startup: Promise<unknown> = Promise.resolve()
  let stopping = false
  app.terminating(async () => {
    stopping = true
    await startup.catch(() => {})
  })
  app.ready(() => (startup = start()))

  async function start() {
    const { startEmbeddedWorker } = await import('#services/embedded_worker')
    const { startEmbeddedSandbox } = await import('#services/embedded_sandbox')
    const { discoverEvents } = await import('#monitoring/discovery_service')

    const { channelRegistry } = await import('#notifications/runtime')
    await channelRegistry()

    const { ensurePlatformRows } = await import('#connectors/platform_rows')
    await ensurePlatformRows()

    const sandbox = await startEmbeddedSandbox()
    if (sandbox) logger.info('sandbox exchange on %s', sandbox.url)
    try {
      const found = await discoverEvents('sandbox', {}, { maxPages: 20 })
      logger.info('sandbox: %d events (%d new)', found.seen, found.createdEvents)
      const { ensureDemoRules, ensureDemoHistory } = await import('#services/demo')
      await ensureDemoRules()
      await ensureDemoHistory()
    } catch (error) {
      logger.error({ err: error }, 'sandbox discovery failed')
    }

    if (stopping) return sandbox?.stop()
    await startEmbeddedWorker(['purchases', 'notifications', 'default', 'checks'])
    let demoPurchase = sandbox ? 'pending' : 'done'
    const { MonitorRuntime } = await import('#monitoring/runtime')
    const runtime = new MonitorRuntime({
      afterTick: async () => {
        if (demoPurchase === 'done') return
        const { ensureDemoPurchase } = await import('#services/demo')
        demoPurchase = await ensureDemoPurchase().catch((error) => {
          logger.warn({ err: error }, 'demo purchase not prepared')
          return 'done'
        })
      },
    })
    await runtime.start()

    // Shutdown order: no new tick, the one in hand finishes (its queries need the pool the
    // database provider closes after this hook), the lease is given back, then the sandbox stops.
    app.terminating(async () => {
      await runtime.stop()
      await sandbox?.stop()
    })
  }
}
