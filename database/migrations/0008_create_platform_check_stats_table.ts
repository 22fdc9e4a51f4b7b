import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Source health, per platform and hour: check outcomes and a latency
 * histogram in fixed buckets, so every worker can add to a row atomically
 * (UPDATE … SET n = n + ?) and percentiles are read back from the buckets.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('platform_check_stats', (table) => {
      table.bigIncrements('id')
      table
        .integer('platform_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('platforms')
        .onDelete('CASCADE')
      table.timestamp('bucket_start', { useTz: true }).notNullable()
      table.integer('ok').notNullable().defaultTo(0)
      table.integer('failed').notNullable().defaultTo(0)
      table.integer('blocked').notNullable().defaultTo(0)
      table.integer('rate_limited').notNullable().defaultTo(0)
      for (const bound of [50, 100, 250, 500, 1000, 2500])
        table.integer(`lat_le_${bound}`).notNullable().defaultTo(0)
      table.integer('lat_gt_2500').notNullable().defaultTo(0)
      table.unique(['platform_id', 'bucket_start'])
    })
  }

  async down() {
    this.schema.dropTable('platform_check_stats')
  }
}
