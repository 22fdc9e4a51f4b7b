import { BaseSchema } from '@adonisjs/lucid/schema'
import { QueueSchemaService } from '@adonisjs/queue'

/**
 * Tables the framework packages keep their state in when no Redis is
 * configured: rate limits (@adonisjs/limiter), locks (@adonisjs/lock) and
 * the job queue (@adonisjs/queue, database driver).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('rate_limits', (table) => {
      table.string('key', 255).notNullable().primary()
      table.integer('points', 9).notNullable().defaultTo(0)
      table.bigint('expire').unsigned()
    })
    this.schema.createTable('locks', (table) => {
      table.string('key', 255).notNullable().primary()
      table.string('owner').notNullable()
      table.bigint('expiration').unsigned().nullable()
    })
    this.defer(async (db) => {
      const queueSchema = new QueueSchemaService(db.getWriteClient())
      await queueSchema.createJobsTable('queue_jobs')
      await queueSchema.createSchedulesTable('queue_schedules')
    })
  }

  async down() {
    this.defer(async (db) => {
      const queueSchema = new QueueSchemaService(db.getWriteClient())
      await queueSchema.dropSchedulesTable('queue_schedules')
      await queueSchema.dropJobsTable('queue_jobs')
    })
    this.schema.dropTable('locks')
    this.schema.dropTable('rate_limits')
  }
}
