import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The dispatcher's claim on a pair (epoch milliseconds): set in the one
 * statement that claims a batch, carried by the batch's job, and cleared by
 * the check that writes the pair's result. A job whose claim is no longer
 * on the row (it expired and the pair was claimed again, or the job ran
 * already) checks nothing: no pair is checked twice within its interval,
 * with no lock row and no job row per check. Integer milliseconds, not a
 * timestamp: MySQL's TIMESTAMP keeps whole seconds, and the claim is compared
 * for equality.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('event_sources', (table) => {
      table.bigInteger('claimed_until').nullable()
    })
  }

  async down() {
    this.schema.alterTable('event_sources', (table) => {
      table.dropColumn('claimed_until')
    })
  }
}
