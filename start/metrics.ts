/*
|--------------------------------------------------------------------------
| Metrics wiring
|--------------------------------------------------------------------------
|
| Outcomes other modules already announce (purchase events, SSE
| connections) feed the Prometheus metrics of app/monitoring/metrics.ts.
|
*/
import transmit from '@adonisjs/transmit/services/main'
import { onPurchase } from '#purchasing/purchase_events'
import { recordPurchase, sseConnected } from '#monitoring/metrics'

onPurchase('purchase_success', () => recordPurchase('succeeded'))
onPurchase('purchase_failed', () => recordPurchase('failed'))

transmit.on('connect', () => sseConnected(1))
transmit.on('disconnect', () => sseConnected(-1))
