/**
 * `purchase:approved` → the ProcessPurchaseRequests job that places the
 * order, at the request's priority. Emitted after the approval is committed;
 * a request whose job is lost (a worker killed in between, the queue away)
 * is queued again by the job's own sweep (PurchaseExecutor.due), and the
 * executor's claim and idempotency key keep a repeat from ordering twice.
 */
import ProcessPurchaseRequests from '#jobs/process_purchase_requests'
import type { PurchaseApproved } from '#purchasing/purchase_events'

export default class QueuePurchaseOrder {
  async handle({ requestId, priority }: PurchaseApproved) {
    await ProcessPurchaseRequests.dispatch({ requestId }).priority(priority)
  }
}
