import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'

/**
 * Builds a queue worker for the current process, from config/queue.ts —
 * what `node ace queue:work` does, usable inside the web process (the
 * embedded mode) and in tests.
 */
export async function createWorker(overrides: { concurrency?: number } = {}) {
  const { Worker } = await import('@adonisjs/queue')
  const config = app.config.get<any>('queue')
  const adapters: Record<string, unknown> = {}
  for (const [name, adapter] of Object.entries<any>(config.adapters)) {
    adapters[name] = typeof adapter === 'function' ? adapter : await adapter.resolver(app)
  }
  const queueManager = await app.container.make('queue.manager')
  await queueManager.loadJobs()
  return new Worker({
    ...config,
    ...(overrides.concurrency
      ? { worker: { ...config.worker, concurrency: overrides.concurrency } }
      : {}),
    autoLoadJobs: false,
    adapters,
    jobFactory: config.jobFactory ?? ((jobClass: any) => app.container.make(jobClass)),
    logger: config.logger ?? logger,
  })
}

/**
 * Runs a worker in the background of this process. On shutdown it stops
 * taking jobs and finishes the one in hand.
 */
export async function startEmbeddedWorker(queues: string[] = ['default']) {
  const worker = await createWorker()
  app.terminating(async () => {
    await worker.stop()
  })
  worker
    .start(queues)
    .catch((error: Error) => logger.error({ err: error }, 'embedded worker stopped'))
  logger.info('embedded queue worker started on %s', queues.join(', '))
  return worker
}
