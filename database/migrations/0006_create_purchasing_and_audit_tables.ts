import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.createTable('purchase_requests', (table) => {
      table.increments('id')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table
        .integer('watch_rule_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('watch_rules')
        .onDelete('SET NULL')
      table.bigInteger('alert_id').unsigned().nullable()
      table
        .integer('event_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('events')
        .onDelete('CASCADE')
      table
        .integer('listing_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('listings')
        .onDelete('SET NULL')
      table.integer('platform_id').unsigned().notNullable().references('id').inTable('platforms')
      table
        .integer('account_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('accounts')
        .onDelete('SET NULL')
      table.integer('quantity').notNullable()
      table.integer('max_price_minor').notNullable()
      table.string('currency', 3).notNullable()
      /** draft | pending_approval | approved | executing | succeeded | failed | cancelled | expired */
      table.string('status', 20).notNullable().defaultTo('draft')
      table.string('idempotency_key', 191).notNullable().unique()
      table
        .integer('approved_by')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.timestamp('approved_at', { useTz: true }).nullable()
      table.string('reason', 500).nullable()
      table.integer('attempts').notNullable().defaultTo(0)
      table.timestamp('expires_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).nullable()
      table.index(['user_id', 'status'])
      table.index(['status', 'expires_at'])
    })

    this.schema.createTable('orders', (table) => {
      table.increments('id')
      table
        .integer('purchase_request_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('purchase_requests')
        .onDelete('SET NULL')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.integer('platform_id').unsigned().notNullable().references('id').inTable('platforms')
      table
        .integer('account_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('accounts')
        .onDelete('SET NULL')
      table
        .integer('event_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('events')
        .onDelete('SET NULL')
      table.string('external_order_id', 191).nullable()
      table.string('idempotency_key', 191).notNullable().unique()
      table.string('status', 20).notNullable()
      table.integer('quantity').notNullable()
      table.integer('unit_price_minor').notNullable()
      table.integer('fees_minor').notNullable().defaultTo(0)
      table.integer('total_minor').notNullable()
      table.string('currency', 3).notNullable()
      /** api (placed through an official order API) | manual (recorded by the user after purchase assist) */
      table.string('source', 10).notNullable()
      /** Platform-side payment reference only: HDTickets never stores card numbers */
      table.string('payment_reference', 191).nullable()
      table.timestamp('placed_at', { useTz: true }).notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).nullable()
      table.index(['user_id', 'placed_at'])
    })

    /** Append-only: nothing in the application updates or deletes these rows. */
    this.schema.createTable('audit_logs', (table) => {
      table.bigIncrements('id')
      table.integer('actor_id').unsigned().nullable()
      table.string('action', 60).notNullable()
      table.string('subject_type', 40).notNullable()
      table.string('subject_id', 64).nullable()
      table.string('from_state', 40).nullable()
      table.string('to_state', 40).nullable()
      table.string('reason', 500).nullable()
      table.text('meta').nullable()
      table.string('ip', 45).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['subject_type', 'subject_id'])
      table.index(['created_at'])
    })
  }

  async down() {
    this.schema.dropTable('audit_logs')
    this.schema.dropTable('orders')
    this.schema.dropTable('purchase_requests')
  }
}
