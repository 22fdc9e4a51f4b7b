import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * What the check planner needs to remember: each source's recent volatility
 * (share of checks that found a change, moving average) and current
 * interval, and each platform's quota scale (set by the dispatcher so every
 * worker plans with the same one).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('event_sources', (table) => {
      table
        .float('volatility')
        .notNullable()
        .defaultTo(1 / 3)
      table.integer('check_interval_ms').nullable()
    })
    this.schema.alterTable('platforms', (table) => {
      table.float('interval_scale').notNullable().defaultTo(1)
    })
  }

  async down() {
    this.schema.alterTable('platforms', (table) => {
      table.dropColumn('interval_scale')
    })
    this.schema.alterTable('event_sources', (table) => {
      table.dropColumn('check_interval_ms')
      table.dropColumn('volatility')
    })
  }
}
