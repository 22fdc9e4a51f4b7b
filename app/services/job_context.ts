import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * The job a piece of code runs for. The queue's execution wrapper
 * (config/queue.ts) runs every job inside it, so anything that goes wrong
 * out of band (an unhandled rejection, an uncaught exception) can still be
 * logged with the job's id: see app/exceptions/process_guard.ts.
 */
export interface JobOrigin {
  jobId: string
  name: string
  queue: string
}

export const jobContext = new AsyncLocalStorage<JobOrigin>()

/** The queue's `executionWrapper`: runs one job inside its context. */
export function runInJobContext<T>(
  run: () => Promise<T>,
  job: { id: string; name: string },
  queue: string
): Promise<T> {
  return jobContext.run({ jobId: job.id, name: job.name, queue }, run)
}
