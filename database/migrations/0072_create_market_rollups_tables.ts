import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * What the dashboard shows of a market, kept where the market is written
 * (app/analytics/event_rollup.ts) instead of replayed from the history on
 * every page view:
 *
 * - market_rollups: per event source, the available listings now (lowest
 *   price, count, tickets) and when they last changed;
 * - market_lowest_points: per event source, each change of its lowest price
 *   (with the one before it, so the price at the start of a window is known
 *   without reading older rows), kept for 8 days.
 *
 * Per source rather than per event: a check writes only its own source's
 * listings, so two checks of one event in parallel transactions never
 * overwrite each other's figures. `at` is epoch milliseconds (a plain
 * number on every driver: no date parsing on the dashboard's read).
 *
 * Existing history is rolled up once here; `node ace rollups:rebuild` does it
 * again at any time.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('market_rollups', (table) => {
      table
        .integer('event_source_id')
        .unsigned()
        .notNullable()
        .primary()
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
      table.integer('lowest_price_minor').nullable()
      table.integer('available_listings').notNullable().defaultTo(0)
      table.integer('available_tickets').notNullable().defaultTo(0)
      table.bigint('last_change_at').nullable()
      table.index(['event_id'])
    })
    this.schema.createTable('market_lowest_points', (table) => {
      table.bigIncrements('id')
      table
        .integer('event_source_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('event_sources')
        .onDelete('CASCADE')
      table.integer('event_id').unsigned().notNullable()
      table.bigint('at').notNullable()
      table.integer('lowest_price_minor').nullable()
      table.integer('previous_lowest_minor').nullable()
      table.index(['event_id', 'at'])
      table.index(['event_source_id', 'at'])
    })
    this.defer(async (client) => {
      const { rebuildMarketRollups } = await import('#analytics/event_rollup')
      await rebuildMarketRollups({ client })
    })
  }

  async down() {
    this.schema.dropTable('market_lowest_points')
    this.schema.dropTable('market_rollups')
  }
}
