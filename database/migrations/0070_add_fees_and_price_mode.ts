import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * All-in prices (#18): a listing keeps the delivery charge per order and its
 * method beside its per-ticket price with fees; a user chooses whether prices
 * are shown and compared all-in or before fees.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('listings', (table) => {
      table.integer('delivery_fee_minor').nullable()
      table.string('delivery_method', 40).nullable()
    })
    this.schema.alterTable('users', (table) => {
      table.string('price_mode', 8).notNullable().defaultTo('all_in')
    })
  }

  async down() {
    this.schema.alterTable('users', (table) => {
      table.dropColumn('price_mode')
    })
    this.schema.alterTable('listings', (table) => {
      table.dropColumn('delivery_fee_minor')
      table.dropColumn('delivery_method')
    })
  }
}
