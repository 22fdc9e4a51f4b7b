import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import type { ExecutionOutcome } from '#purchasing/executor'
import { purchaseExecutor, purchaseService } from '#purchasing/settings'
import { timeJob } from '#monitoring/metrics'

type ProcessPurchaseRequestsPayload =
  /** Place the order of one approved request */
  | { requestId: number }
  /** The schedule: expire stale requests, re-queue approved ones never picked up and executing ones whose lease lapsed */
  | { sweep: true }

export type ProcessPurchaseRequestsOutcome =
  ExecutionOutcome | { outcome: 'swept'; expired: number; requeued: number }

/**
 * Places the order of one approved purchase request. Carries an id; safe to
 * run any number of times (the executor's claim lets one run act, and the
 * idempotency key makes the platform answer a repeat with the first order).
 * Retries are the executor's: a transient failure re-queues this job at the
 * retry time; the queue itself never retries (maxRetries 0).
 */
export default class ProcessPurchaseRequests extends Job<ProcessPurchaseRequestsPayload> {
  static options: JobOptions = {
    name: 'ProcessPurchaseRequests',
    queue: 'purchases',
    maxRetries: 0,
  }

  /** The explicit outcome of the run (succeeded, failed, retry at…, skipped: why, swept) */
  outcome: ProcessPurchaseRequestsOutcome | null = null

  async execute(): Promise<void> {
    const executor = purchaseExecutor()
    if ('sweep' in this.payload) {
      const { expired } = await purchaseService().expireStale()
      const due = await executor.due()
      for (const { id, priority } of due)
        await ProcessPurchaseRequests.dispatch({ requestId: id }).priority(priority)
      this.outcome = { outcome: 'swept', expired, requeued: due.length }
      return
    }
    const requestId = this.payload.requestId
    this.outcome = await timeJob(
      'ProcessPurchaseRequests',
      () => executor.run(requestId),
      (result) => result.outcome
    )
    if (this.outcome.outcome === 'retry') {
      await ProcessPurchaseRequests.dispatch({ requestId }).in(this.outcome.delayMs)
    }
  }
}
