import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A rule's alert limits: an optional minimum deal score (0–100: listings
 * scored below it never alert) and an optional hourly cap (matches beyond
 * it are folded into the rule's latest alert instead of raising new ones).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('watch_rules', (table) => {
      table.smallint('min_deal_score').nullable()
      table.integer('max_alerts_per_hour').nullable()
    })
  }

  async down() {
    this.schema.alterTable('watch_rules', (table) => {
      table.dropColumn('min_deal_score')
      table.dropColumn('max_alerts_per_hour')
    })
  }
}
