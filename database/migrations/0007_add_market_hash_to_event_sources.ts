import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The fingerprint of the last market written for a source. A check whose
 * fetched market has the same fingerprint changed nothing: it skips the
 * diff and writes no history (only its check time, batched).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('event_sources', (table) => {
      table.string('market_hash', 32).nullable()
    })
  }

  async down() {
    this.schema.alterTable('event_sources', (table) => {
      table.dropColumn('market_hash')
    })
  }
}
