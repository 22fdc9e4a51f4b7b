import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A venue's seat zones as an admin set them (#18 item 2): section → zone.
 * Sections not listed here get their zone from their name or their prices
 * (app/analytics/zones.ts).
 */
export default class extends BaseSchema {
  protected tableName = 'venue_zones'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table.string('venue', 191).notNullable()
      table.string('section', 120).notNullable()
      /** floor | club | lower | middle | upper */
      table.string('zone', 12).notNullable()
      table.integer('updated_by').unsigned().nullable()
      table.timestamp('updated_at', { useTz: true }).nullable()
      table.unique(['venue', 'section'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
