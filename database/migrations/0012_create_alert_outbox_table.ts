import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The transactional outbox between a check and its alerts: written in the
 * same transaction as the market changes, removed once the rules have been
 * evaluated. A worker killed in between leaves the row, and the sweep
 * evaluates it again (alerts are de-duplicated), so no alert is lost.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('alert_outbox', (table) => {
      table.bigIncrements('id')
      table.integer('event_id').unsigned().notNullable()
      /** JSON: the check's listing changes (with listing ids) and status change */
      table.text('payload').notNullable()
      table.timestamp('detected_at', { useTz: true }).notNullable()
      table.index(['detected_at'])
    })
  }

  async down() {
    this.schema.dropTable('alert_outbox')
  }
}
