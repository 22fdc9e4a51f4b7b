import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, drivers } from '@adonisjs/queue'
import { runInJobContext } from '#services/job_context'

/**
 * Jobs go through the database (the default: nothing else to run) or Redis
 * (QUEUE_DRIVER=redis, for many workers). `node ace queue:work` runs a
 * worker on any host; the embedded mode runs one inside the web process.
 */
const driver = env.get('QUEUE_DRIVER', 'database')

export default defineConfig({
  default: driver,
  /** Only the adapter in use is built, so the database mode never dials Redis. */
  adapters:
    driver === 'redis'
      ? { redis: drivers.redis({ connectionName: 'main' }), sync: drivers.sync() }
      : { database: drivers.database({ tableName: 'queue_jobs' }), sync: drivers.sync() },
  /**
   * Failed jobs are kept a week (at most 1,000 a queue) so the admin queue
   * monitor can show why they failed and retry them; done jobs are dropped.
   */
  defaultJobOptions: { removeOnFail: { age: '7d', count: 1000 } },
  /** Every job runs in its own context: whatever escapes it is logged with its id. */
  executionWrapper: runInJobContext,
  worker: {
    concurrency: 5,
    idleDelay: '100ms',
    gracefulShutdown: true,
  },
  /**
   * Absolute: the queue reads a relative pattern from the working directory,
   * and the built server runs from the clone, whose app/jobs holds the sources.
   */
  locations: [app.makePath('app/jobs/**/*.{ts,js}')],
})
