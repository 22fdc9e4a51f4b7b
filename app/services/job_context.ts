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

/** Jobs running in this process (their executions), for a shutdown to wait on. */
const inHand = new Set<Promise<unknown>>()

/** The queue's `executionWrapper`: runs one job inside its context. */
export function runInJobContext<T>(
  run: () => Promise<T>,
  job: { id: string; name: string },
  queue: string
): Promise<T> {
  const running = jobContext.run({ jobId: job.id, name: job.name, queue }, run)
  const done = () => inHand.delete(running)
  inHand.add(running)
  running.then(done, done)
  return running
}

/** Resolves once no job of this process is running (the ones in hand have finished). */
export async function jobsInHandSettled() {
  while (inHand.size) await Promise.allSettled([...inHand])
}
