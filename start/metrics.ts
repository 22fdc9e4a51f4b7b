/*
|--------------------------------------------------------------------------
| Metrics wiring
|--------------------------------------------------------------------------
|
| Outcomes other modules already announce (purchase events, SSE
| connections) feed the Prometheus metrics of app/monitoring/metrics.ts, and
| its circuit gauge reads the connectors' breaker.
| Long-running processes push their metrics so that any web process serves
| the whole cluster's (app/monitoring/cluster_metrics.ts): web processes,
| and the console commands in WORKER_COMMANDS.
|
*/
import app from '@adonisjs/core/services/app'
import transmit from '@adonisjs/transmit/services/main'
import emitter from '@adonisjs/core/services/emitter'
import { recordPurchase, sseConnected, useCircuitReader } from '#monitoring/metrics'

emitter.on('purchase:succeeded', () => recordPurchase('succeeded'))
emitter.on('purchase:failed', () => recordPurchase('failed'))

/** The circuit gauge reads the connectors' shared breaker, loaded on the first scrape. */
useCircuitReader(async (slugs) => {
  const { platformCircuits } = await import('#connectors/runtime')
  return platformCircuits(slugs)
})

transmit.on('connect', () => sseConnected(1))
transmit.on('disconnect', () => sseConnected(-1))

/** Console commands that run as long-lived cluster processes, and the role each pushes metrics as. */
export const WORKER_COMMANDS: Record<string, string> = {
  'queue:work': 'worker',
  'monitor:run': 'monitor',
}

if (app.getEnvironment() === 'web') {
  app.ready(async () => {
    const { startMetricsPublisher } = await import('#monitoring/cluster_metrics')
    startMetricsPublisher('web')
  })
} else if (app.getEnvironment() === 'console') {
  const ace = await app.container.make('ace')
  ace.executing(async (command, isMainCommand) => {
    const role = WORKER_COMMANDS[command.commandName]
    if (!isMainCommand || !role) return
    const { startMetricsPublisher } = await import('#monitoring/cluster_metrics')
    startMetricsPublisher(role)
  })
}
