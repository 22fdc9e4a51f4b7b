import { BaseSchema } from '@adonisjs/lucid/schema'

/** A rule's price cap may compare the all-in price (with fees) when the platform gives it. */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('watch_rules', (table) => {
      table.boolean('include_fees').notNullable().defaultTo(false)
    })
  }

  async down() {
    this.schema.alterTable('watch_rules', (table) => {
      table.dropColumn('include_fees')
    })
  }
}
