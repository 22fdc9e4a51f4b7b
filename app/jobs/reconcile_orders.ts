import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import { reconcileOpenOrders } from '#purchasing/order_reconciliation'

/**
 * Reads open orders back from their platforms until each reaches its final
 * state, and tells the buyer (app/purchasing/order_reconciliation.ts).
 * Scheduled every minute (app/monitoring/schedules.ts).
 */
export default class ReconcileOrders extends Job<Record<string, never>> {
  static options: JobOptions = {
    name: 'ReconcileOrders',
    queue: 'purchases',
    maxRetries: 0,
  }

  async execute(): Promise<void> {
    await reconcileOpenOrders()
  }
}
