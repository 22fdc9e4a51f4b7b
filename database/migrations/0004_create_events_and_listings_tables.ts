import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The market: events, where each is sold (event_sources), what is on sale
 * now (listings) and the change-only history (listing_changes,
 * event_status_changes). Money is integer minor units + ISO 4217 currency;
 * a missing price is NULL, never 0.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('events', (table) => {
      table.increments('id')
      table.string('name', 300).notNullable()
      table.string('sport', 60).nullable()
      table.string('league', 60).nullable()
      table.string('home_team', 120).nullable()
      table.string('away_team', 120).nullable()
      table.string('venue', 200).nullable()
      table.string('city', 120).nullable()
      table.string('country', 2).nullable()
      table.timestamp('starts_at', { useTz: true }).nullable()
      table.string('timezone', 64).nullable()
      table.boolean('date_tbd').notNullable().defaultTo(false)
      /** scheduled | onsale | offsale | cancelled | postponed | rescheduled | ended */
      table.string('status', 16).notNullable().defaultTo('scheduled')
      table.timestamp('onsale_at', { useTz: true }).nullable()
      table.timestamp('offsale_at', { useTz: true }).nullable()
      table.timestamp('presale_at', { useTz: true }).nullable()
      /** 1 (low) .. 5 (VIP): drives check intervals */
      table.smallint('importance').notNullable().defaultTo(3)
      /** normalised name|venue|start-minute, to link the same game across platforms */
      table.string('fingerprint', 191).nullable()
      table.timestamp('archived_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).nullable()
      table.index(['starts_at'])
      table.index(['status', 'starts_at'])
      table.index(['league'])
      table.index(['fingerprint'])
    })

    this.schema.createTable('event_sources', (table) => {
      table.increments('id')
      table
        .integer('event_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('events')
        .onDelete('CASCADE')
      table
        .integer('platform_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('platforms')
        .onDelete('CASCADE')
      table.string('external_id', 191).notNullable()
      table.string('url', 1000).nullable()
      /** active | paused | blocked | gone */
      table.string('state', 16).notNullable().defaultTo('active')
      table.string('state_reason', 500).nullable()
      table.timestamp('next_check_at', { useTz: true }).nullable()
      table.timestamp('last_checked_at', { useTz: true }).nullable()
      table.timestamp('last_success_at', { useTz: true }).nullable()
      table.string('last_error', 500).nullable()
      table.integer('consecutive_failures').notNullable().defaultTo(0)
      /** Price summary for platforms that give no listings */
      table.integer('min_price_minor').nullable()
      table.integer('max_price_minor').nullable()
      table.string('currency', 3).nullable()
      table.boolean('fees_included').nullable()
      table.integer('listing_count').nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).nullable()
      table.unique(['platform_id', 'external_id'])
      table.index(['event_id'])
      /** The scheduler's query: due active sources in time order */
      table.index(['state', 'next_check_at'])
    })

    this.schema.createTable('listings', (table) => {
      table.increments('id')
      table
        .integer('event_source_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('event_sources')
        .onDelete('CASCADE')
      table
        .integer('event_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('events')
        .onDelete('CASCADE')
      table.string('external_id', 191).notNullable()
      table.string('section', 120).nullable()
      table.string('row', 40).nullable()
      table.integer('quantity').notNullable()
      /** JSON array of purchasable quantities */
      table.text('splits').nullable()
      table.integer('price_minor').nullable()
      table.integer('price_with_fees_minor').nullable()
      table.string('currency', 3).notNullable()
      table.string('format', 40).nullable()
      table.boolean('in_hand').nullable()
      table.date('in_hand_on').nullable()
      table.string('notes', 1000).nullable()
      /** available | gone */
      table.string('status', 12).notNullable().defaultTo('available')
      table.timestamp('first_seen_at', { useTz: true }).notNullable()
      table.timestamp('last_changed_at', { useTz: true }).notNullable()
      table.unique(['event_source_id', 'external_id'])
      table.index(['event_id', 'status', 'price_minor'])
    })

    this.schema.createTable('listing_changes', (table) => {
      table.bigIncrements('id')
      table
        .integer('listing_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('listings')
        .onDelete('CASCADE')
      table
        .integer('event_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('events')
        .onDelete('CASCADE')
      table.integer('event_source_id').unsigned().notNullable()
      /** appeared | price_changed | quantity_changed | gone */
      table.string('kind', 20).notNullable()
      table.integer('old_price_minor').nullable()
      table.integer('new_price_minor').nullable()
      table.integer('old_quantity').nullable()
      table.integer('new_quantity').nullable()
      table.string('currency', 3).notNullable()
      table.timestamp('observed_at', { useTz: true }).notNullable()
      /** The 90-day price chart reads by event and time */
      table.index(['event_id', 'observed_at'])
      table.index(['listing_id', 'observed_at'])
    })

    this.schema.createTable('event_status_changes', (table) => {
      table.bigIncrements('id')
      table
        .integer('event_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('events')
        .onDelete('CASCADE')
      table.integer('event_source_id').unsigned().nullable()
      table.string('from_status', 16).nullable()
      table.string('to_status', 16).notNullable()
      table.timestamp('observed_at', { useTz: true }).notNullable()
      table.index(['event_id', 'observed_at'])
    })
  }

  async down() {
    this.schema.dropTable('event_status_changes')
    this.schema.dropTable('listing_changes')
    this.schema.dropTable('listings')
    this.schema.dropTable('event_sources')
    this.schema.dropTable('events')
  }
}
