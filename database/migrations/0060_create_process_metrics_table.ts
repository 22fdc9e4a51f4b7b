import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The latest Prometheus metrics of each process (web, worker) of a scaled
 * deployment without Redis, so that any web process serves the whole
 * cluster's at /metrics (app/monitoring/cluster_metrics.ts). With the
 * Redis queue driver the same snapshots live in Redis instead.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('process_metrics', (table) => {
      /** role@host:pid */
      table.string('id', 191).primary()
      table.string('role', 32).notNullable()
      /** Epoch milliseconds of the push: stale snapshots are ignored, then deleted */
      table.bigInteger('pushed_at').notNullable()
      /** prom-client's getMetricsAsJSON() */
      table.text('snapshot', 'longtext').notNullable()
    })
  }

  async down() {
    this.schema.dropTable('process_metrics')
  }
}
