/*
|--------------------------------------------------------------------------
| Embedded mode
|--------------------------------------------------------------------------
|
| With EMBEDDED=true (the default of `npm start`) the web process also runs
| the queue worker, the sandbox exchange (the demo's market, unless
| SANDBOX_URL points elsewhere) and the check dispatcher. In the scaled
| mode, set EMBEDDED=false and run `node ace queue:work --queue=purchases,notifications,default,checks`
| on as many hosts as needed.
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
    const { dispatchDueChecks, rescaleIntervals, TICK_MS } = await import('#monitoring/due_checks')
    const { sweepOutbox } = await import('#alerts/alert_service')

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
    let ticking: Promise<void> | null = null
    let lastRescale = 0
    let demoPurchase = sandbox ? 'pending' : 'done'
    const tick = async () => {
      try {
        if (Date.now() - lastRescale > 60_000) {
          await rescaleIntervals()
          lastRescale = Date.now()
        }
        await dispatchDueChecks()
        await sweepOutbox()
        if (demoPurchase !== 'done') {
          const { ensureDemoPurchase } = await import('#services/demo')
          demoPurchase = await ensureDemoPurchase().catch((error) => {
            logger.warn({ err: error }, 'demo purchase not prepared')
            return 'done'
          })
        }
      } catch (error) {
        logger.error({ err: error }, 'check dispatch failed')
      }
    }
    const timer = setInterval(() => {
      if (ticking) return
      ticking = tick().finally(() => (ticking = null))
    }, TICK_MS)

    // Shutdown order: no new tick, the one in hand finishes (its queries need the pool the
    // database provider closes after this hook), then the sandbox stops.
    app.terminating(async () => {
      clearInterval(timer)
      await ticking
      await sandbox?.stop()
    })
  }
}
