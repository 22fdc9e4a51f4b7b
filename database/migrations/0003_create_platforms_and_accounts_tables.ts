import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.createTable('platforms', (table) => {
      table.increments('id')
      table.string('slug', 40).notNullable().unique()
      table.string('name', 80).notNullable()
      table.string('base_url', 500).notNullable()
      /** JSON: named endpoint paths */
      table.text('api_endpoints').notNullable()
      /** JSON: page-source settings (robots.txt, crawl delay) */
      table.text('scraper_config').notNullable()
      /** JSON: { discover, market, checkout, listings } */
      table.text('capabilities').notNullable()
      table.float('requests_per_second').notNullable().defaultTo(1)
      table.integer('requests_per_day').nullable()
      table.integer('max_tickets_per_order').nullable()
      table.boolean('enabled').notNullable().defaultTo(true)
      /** Deployment-wide credential set by an admin (AES-256-GCM, never serialised) */
      table.text('encrypted_credentials').nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).nullable()
    })

    this.schema.createTable('accounts', (table) => {
      table.increments('id')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table
        .integer('platform_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('platforms')
        .onDelete('CASCADE')
      table.string('username', 190).notNullable()
      table.text('encrypted_credentials').notNullable()
      /** unchecked | ok | rejected | error */
      table.string('status', 16).notNullable().defaultTo('unchecked')
      table.string('last_error', 500).nullable()
      table.timestamp('last_check', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).nullable()
      /** One linked account per user and platform: never a pool (DESIGN §1). */
      table.unique(['user_id', 'platform_id'])
    })

    this.schema.createTable('account_sessions', (table) => {
      table.increments('id')
      table
        .integer('account_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('accounts')
        .onDelete('CASCADE')
      table.text('session_token').notNullable()
      table.timestamp('expires_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).nullable()
      table.index(['account_id'])
    })
  }

  async down() {
    this.schema.dropTable('account_sessions')
    this.schema.dropTable('accounts')
    this.schema.dropTable('platforms')
  }
}
