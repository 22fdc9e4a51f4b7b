import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * What a purchase request was asked for (a hash of the request's input), so
 * that an Idempotency-Key replayed with another body is refused (409) rather
 * than answered with the first request, as payment APIs do.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('purchase_requests', (table) => {
      table.string('request_fingerprint', 64).nullable()
    })
  }

  async down() {
    this.schema.alterTable('purchase_requests', (table) => {
      table.dropColumn('request_fingerprint')
    })
  }
}
