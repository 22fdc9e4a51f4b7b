import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Purchasing, second part:
 * - purchase_requests: `active_key` (`<user>:<listing>` while the request is
 *   active, NULL once terminal) makes "one active request per user and
 *   listing" a database guarantee on SQLite, MySQL and PostgreSQL alike (no
 *   partial indexes needed: every engine allows many NULLs in a unique
 *   index); the executor's lease (`lease_until`, `claim_token`); the offer it
 *   chose (platform, event and listing refs), kept so a retry goes back to
 *   the same platform with the same idempotency key.
 * - purchase_budgets: a user's caps per event, day and month, and how far
 *   the price may drift between approval and order.
 * - purchase_attempts: one row per order attempt, the source of the success
 *   rates per platform and account.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('purchase_requests', (table) => {
      table.string('active_key', 191).nullable().unique()
      /** The platform's id of the requested listing (known even after the listings row is gone) */
      table.string('listing_ref', 191).nullable()
      /** All-in price per ticket when the request was made: the reference of the drift check */
      table.integer('quoted_unit_minor').nullable()
      /** 1 (first) .. 10; from the rule's importance and the event's */
      table.smallint('priority').notNullable().defaultTo(5)
      table.timestamp('lease_until', { useTz: true }).nullable()
      table.string('claim_token', 64).nullable()
      table.integer('offer_platform_id').unsigned().nullable()
      table.string('offer_event_ref', 191).nullable()
      table.string('offer_listing_ref', 191).nullable()
      table.string('failure_code', 60).nullable()
      table.index(['status', 'lease_until'])
    })

    this.schema.alterTable('orders', (table) => {
      /**
       * One platform order is recorded once (manual orders have no external id; NULLs never collide).
       * external_order_id leads: on MySQL an index led by platform_id would replace the foreign
       * key's own index and could then not be dropped again.
       */
      table.unique(['external_order_id', 'platform_id'])
    })

    this.schema.createTable('purchase_budgets', (table) => {
      table.increments('id')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .unique()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.string('currency', 3).notNullable().defaultTo('USD')
      table.integer('per_event_minor').nullable()
      table.integer('per_day_minor').nullable()
      table.integer('per_month_minor').nullable()
      /** Accepted price increase between the request and the order, in basis points (100 = 1 %) */
      table.integer('price_drift_bps').notNullable().defaultTo(0)
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).nullable()
    })

    this.schema.createTable('purchase_attempts', (table) => {
      table.bigIncrements('id')
      table
        .integer('purchase_request_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('purchase_requests')
        .onDelete('CASCADE')
      table.integer('user_id').unsigned().notNullable()
      table.integer('platform_id').unsigned().notNullable()
      table.integer('account_id').unsigned().nullable()
      table.integer('attempt').notNullable()
      /** placed | reconciled | transient | rejected | aborted */
      table.string('outcome', 16).notNullable()
      table.string('code', 60).nullable()
      table.string('message', 500).nullable()
      table.timestamp('started_at', { useTz: true }).notNullable()
      table.timestamp('finished_at', { useTz: true }).notNullable()
      table.index(['platform_id', 'finished_at'])
      table.index(['account_id', 'finished_at'])
      table.index(['purchase_request_id'])
    })
  }

  async down() {
    this.schema.dropTable('purchase_attempts')
    this.schema.dropTable('purchase_budgets')
    this.schema.alterTable('orders', (table) => {
      table.dropUnique(['external_order_id', 'platform_id'])
    })
    this.schema.alterTable('purchase_requests', (table) => {
      table.dropIndex(['status', 'lease_until'])
      table.dropUnique(['active_key'])
      table.dropColumn('active_key')
      table.dropColumn('listing_ref')
      table.dropColumn('quoted_unit_minor')
      table.dropColumn('priority')
      table.dropColumn('lease_until')
      table.dropColumn('claim_token')
      table.dropColumn('offer_platform_id')
      table.dropColumn('offer_event_ref')
      table.dropColumn('offer_listing_ref')
      table.dropColumn('failure_code')
    })
  }
}
