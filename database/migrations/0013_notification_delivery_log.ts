import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * What the notification service needs beyond 0005:
 * - notification_attempts: every attempt of every delivery (status,
 *   provider id, error, latency), the delivery log the settings page shows;
 * - deliveries get `send_at` (due time: now, end of quiet hours, end of the
 *   digest window), `mode` and `digest_key` (channel + window);
 * - alerts get `notified_at`: set in the transaction that creates the
 *   alert's notification, so the outbox sweep finds alerts whose worker died
 *   in between (and one unique notification per alert refuses a second);
 * - channels get `failing_since` (first failure after the last success);
 * - per-user preferences, escalation state, and app secrets (VAPID keys).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('notification_attempts', (table) => {
      table.bigIncrements('id')
      table
        .bigInteger('delivery_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('notification_deliveries')
        .onDelete('CASCADE')
      table.integer('attempt').notNullable()
      /** sent | transient | permanent */
      table.string('status', 12).notNullable()
      table.string('provider_id', 191).nullable()
      table.string('error_code', 64).nullable()
      table.string('error', 500).nullable()
      table.integer('latency_ms').notNullable()
      table.timestamp('attempted_at', { useTz: true }).notNullable()
      table.index(['delivery_id'])
    })

    this.schema.alterTable('notification_deliveries', (table) => {
      /** now | deferred | digest | escalation */
      table.string('mode', 12).notNullable().defaultTo('now')
      table.timestamp('send_at', { useTz: true }).nullable()
      /** digest deliveries: "c<channel>:<window end ms>" */
      table.string('digest_key', 64).nullable()
      table.index(['status', 'send_at'])
      table.index(['digest_key'])
    })

    this.schema.alterTable('alerts', (table) => {
      table.timestamp('notified_at', { useTz: true }).nullable()
      table.index(['notified_at'])
    })

    this.schema.alterTable('notifications', (table) => {
      table.unique(['alert_id'])
    })

    this.schema.alterTable('notification_channels', (table) => {
      table.timestamp('failing_since', { useTz: true }).nullable()
    })

    this.schema.createTable('notification_preferences', (table) => {
      table.increments('id')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .unique()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      /** JSON: policy.NotificationPreferences without the time zone (users.timezone) */
      table.text('preferences').notNullable()
      table.timestamp('updated_at', { useTz: true }).nullable()
    })

    this.schema.createTable('notification_escalations', (table) => {
      table.increments('id')
      table
        .bigInteger('notification_id')
        .unsigned()
        .notNullable()
        .unique()
        .references('id')
        .inTable('notifications')
        .onDelete('CASCADE')
      /** JSON: policy.EscalationState */
      table.text('state').notNullable()
      table.timestamp('due_at', { useTz: true }).nullable()
      table.timestamp('finished_at', { useTz: true }).nullable()
      table.index(['finished_at', 'due_at'])
    })

    this.schema.createTable('app_secrets', (table) => {
      table.increments('id')
      table.string('key', 64).notNullable().unique()
      /** AES-256-GCM, purpose 'app.secret' */
      table.text('encrypted_value').notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
    })
  }

  async down() {
    this.schema.dropTable('app_secrets')
    this.schema.dropTable('notification_escalations')
    this.schema.dropTable('notification_preferences')
    this.schema.alterTable('notification_channels', (table) => table.dropColumn('failing_since'))
    this.schema.alterTable('notifications', (table) => table.dropUnique(['alert_id']))
    this.schema.alterTable('alerts', (table) => {
      table.dropIndex(['notified_at'])
      table.dropColumn('notified_at')
    })
    this.schema.alterTable('notification_deliveries', (table) => {
      table.dropIndex(['status', 'send_at'])
      table.dropIndex(['digest_key'])
      table.dropColumn('mode')
      table.dropColumn('send_at')
      table.dropColumn('digest_key')
    })
    this.schema.dropTable('notification_attempts')
  }
}
