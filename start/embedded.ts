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
  /**
   * What start-up started once the SIGTERM had come: the hooks a shutdown
   * runs are fixed when it begins, so a part's own hook added later never
   * runs, and the database would close under it. This hook, there from
   * the start, stops those parts (newest first) once start-up is over.
   */
  const late: Array<() => Promise<void>> = []
  function stopOnShutdown(stop: () => Promise<void>) {
    if (stopping) late.unshift(stop)
    else app.terminating(stop)
  }
  app.terminating(async () => {
    stopping = true
    await startup.catch(() => {})
    for (const stop of late) await stop()
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
    const worker = await startEmbeddedWorker(['purchases', 'notifications', 'default', 'checks'])
    /** Its own hook (added as it started) is in this shutdown unless the signal came first. */
    if (stopping) late.unshift(() => worker.stop())
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
    // Shutdown order: no new tick, the one in hand finishes (its queries need the pool the
    // database provider closes after this hook), the lease is given back, then the sandbox stops.
    stopOnShutdown(async () => {
      await runtime.stop()
      await sandbox?.stop()
    })
    if (!stopping) await runtime.start()
  }
}
