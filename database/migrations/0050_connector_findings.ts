import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * What the connectors now keep instead of dropping:
 * - events.previous_starts_at: where a rescheduled event moved from
 *   (schema.org previousStartDate, Ticketmaster dates.initialStartDate);
 * - event_sources.availability: the offers' availability as that source
 *   states it (in_stock, limited, presale, sold_out, discontinued), apart
 *   from the event status;
 * - event_sources.payload_warning: what the last read of that source left
 *   out ("1 of 2 structured-data blocks invalid: …", skipped listings);
 * - platform_notices: what an operator should see about a platform that is
 *   not one source's state: a host that answered with a challenge page
 *   before any source existed (adding by URL), a search page that
 *   contradicted itself. One row per (platform, kind, subject), counted.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('events', (table) => {
      table.timestamp('previous_starts_at', { useTz: true }).nullable()
    })
    this.schema.alterTable('event_sources', (table) => {
      table.string('availability', 16).nullable()
      table.string('payload_warning', 500).nullable()
    })
    this.schema.createTable('platform_notices', (table) => {
      table.increments('id')
      table
        .integer('platform_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('platforms')
        .onDelete('CASCADE')
      /** challenge_page | inconsistent_page */
      table.string('kind', 32).notNullable()
      /** The host, or the search the notice is about */
      table.string('subject', 191).notNullable()
      table.string('detail', 500).notNullable()
      table.integer('occurrences').notNullable().defaultTo(1)
      table.timestamp('first_seen_at', { useTz: true }).notNullable()
      table.timestamp('last_seen_at', { useTz: true }).notNullable()
      table.unique(['platform_id', 'kind', 'subject'])
      table.index(['last_seen_at'])
    })
  }

  async down() {
    this.schema.dropTable('platform_notices')
    this.schema.alterTable('event_sources', (table) => {
      table.dropColumn('availability')
      table.dropColumn('payload_warning')
    })
    this.schema.alterTable('events', (table) => {
      table.dropColumn('previous_starts_at')
    })
  }
}
