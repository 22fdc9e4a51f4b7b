import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.createTable('watch_rules', (table) => {
      table.increments('id')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.string('name', 120).notNullable()
      table
        .integer('event_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('events')
        .onDelete('CASCADE')
      /** JSON: { team, league, venue, from, to, platforms } when not one event */
      table.text('filters').notNullable()
      table.integer('max_price_minor').nullable()
      table.string('currency', 3).nullable()
      table.integer('min_quantity').notNullable().defaultTo(1)
      /** JSON array of section patterns */
      table.text('sections').notNullable()
      /** JSON array of { kind, ...parameters } */
      table.text('triggers').notNullable()
      table.integer('hysteresis_minor').notNullable().defaultTo(0)
      table.integer('cooldown_seconds').notNullable().defaultTo(900)
      /** JSON array of channel ids or kinds */
      table.text('channels').notNullable()
      table.smallint('importance').notNullable().defaultTo(3)
      table.boolean('auto_purchase').notNullable().defaultTo(false)
      table.boolean('enabled').notNullable().defaultTo(true)
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).nullable()
      table.index(['user_id'])
      table.index(['event_id', 'enabled'])
    })

    this.schema.createTable('alerts', (table) => {
      table.bigIncrements('id')
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
      table
        .integer('event_id')
        .unsigned()
        .nullable()
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
      /** ticket_available | price_alert | system_alert */
      table.string('type', 24).notNullable()
      table.string('condition', 40).notNullable()
      /** rule + listing + condition + cooldown window: a second insert is refused */
      table.string('dedupe_key', 191).notNullable().unique()
      table.integer('price_minor').nullable()
      table.string('currency', 3).nullable()
      /** JSON: why it matched, with the figures */
      table.text('reason').notNullable()
      table.timestamp('detected_at', { useTz: true }).notNullable()
      table.timestamp('acknowledged_at', { useTz: true }).nullable()
      table.timestamp('snoozed_until', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['user_id', 'created_at'])
    })

    this.schema.createTable('notification_channels', (table) => {
      table.increments('id')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      /** email | sms | webpush | webhook | slack | discord | inapp */
      table.string('kind', 16).notNullable()
      table.string('name', 120).notNullable()
      /** AES-256-GCM JSON: address, number, URL, secret, push subscription */
      table.text('encrypted_config').notNullable()
      table.timestamp('verified_at', { useTz: true }).nullable()
      table.timestamp('disabled_at', { useTz: true }).nullable()
      table.string('disabled_reason', 500).nullable()
      table.integer('consecutive_failures').notNullable().defaultTo(0)
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).nullable()
      table.index(['user_id'])
    })

    this.schema.createTable('notifications', (table) => {
      table.bigIncrements('id')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.bigInteger('alert_id').unsigned().nullable()
      /** ticket_available | price_alert | purchase_success | purchase_failed | account_issue | system_alert */
      table.string('type', 24).notNullable()
      table.string('title', 200).notNullable()
      table.text('body').notNullable()
      table.string('link', 500).nullable()
      /** low | normal | high */
      table.string('priority', 8).notNullable().defaultTo('normal')
      table.text('data').nullable()
      table.timestamp('read_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['user_id', 'read_at'])
    })

    this.schema.createTable('notification_deliveries', (table) => {
      table.bigIncrements('id')
      table
        .bigInteger('notification_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('notifications')
        .onDelete('CASCADE')
      table
        .integer('channel_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('notification_channels')
        .onDelete('SET NULL')
      table.string('channel_kind', 16).notNullable()
      /** (notification, channel): a retried job never sends twice */
      table.string('idempotency_key', 191).notNullable().unique()
      /** queued | sent | failed | skipped */
      table.string('status', 12).notNullable().defaultTo('queued')
      table.integer('attempts').notNullable().defaultTo(0)
      table.string('provider_id', 191).nullable()
      table.string('last_error', 500).nullable()
      table.integer('latency_ms').nullable()
      table.timestamp('delivered_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).nullable()
      table.index(['notification_id'])
    })
  }

  async down() {
    this.schema.dropTable('notification_deliveries')
    this.schema.dropTable('notifications')
    this.schema.dropTable('notification_channels')
    this.schema.dropTable('alerts')
    this.schema.dropTable('watch_rules')
  }
}
