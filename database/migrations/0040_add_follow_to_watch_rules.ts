import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A filter rule (team, league or venue) may also *follow*: the discovery job
 * searches the platforms for it and adds the new events it finds, which the
 * rule then watches like any other.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('watch_rules', (table) => {
      table.boolean('follow').notNullable().defaultTo(false)
      table.timestamp('last_discovered_at').nullable()
      table.integer('discovered_events').notNullable().defaultTo(0)
      table.string('last_discovery_error', 500).nullable()
    })
  }

  async down() {
    this.schema.alterTable('watch_rules', (table) => {
      table.dropColumn('follow')
      table.dropColumn('last_discovered_at')
      table.dropColumn('discovered_events')
      table.dropColumn('last_discovery_error')
    })
  }
}
