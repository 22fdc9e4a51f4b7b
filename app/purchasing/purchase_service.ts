/**
 * Purchase requests: the one service behind the pages, /api/v1/purchases,
 * rules with auto_purchase and Ace commands. Free of HTTP; authorization is
 * the first thing each use case checks. Refusals are `ApiException`s with a
 * stable code, a 4xx status and, where it is about one input, the field.
 *
 * Each use case lives in a file of its own; this class holds the
 * deployment's settings and hands them over:
 * - create_purchase_request.ts  opening a request (idempotency key, listing,
 *   account, terms, budget, auto-approval)
 * - purchase_decisions.ts       approve, reject, cancel, submit
 * - purchase_queries.ts         show, the scoped lists
 * - purchase_expiry.ts          expiring stale requests
 *
 * Guarantees held by the database, not by timing:
 * - one active request per (user, listing): the unique `active_key`
 *   (`<user>:<listing>` while active, NULL once terminal);
 * - one request per idempotency key: the unique `idempotency_key`;
 * - every status change is a conditional UPDATE plus its audit entry, in one
 *   transaction (requests.ts).
 */
import emitter from '@adonisjs/core/services/emitter'
import type User from '#models/user'
import CreatePurchaseRequest, { type CreateInput } from '#purchasing/create_purchase_request'
import PurchaseDecisions from '#purchasing/purchase_decisions'
import {
  listRequests,
  scopedRequests,
  showRequest,
  type ListFilters,
} from '#purchasing/purchase_queries'
import { expireStaleRequests } from '#purchasing/purchase_expiry'
import type { RequestRow } from '#purchasing/requests'

export type { CreateInput } from '#purchasing/create_purchase_request'
export type { ListFilters } from '#purchasing/purchase_queries'

export interface PurchaseServiceOptions {
  /** The deployment requires a manager (or admin) to approve every request, the requester's own included */
  requireManagerApproval?: boolean
  /** A request not executed within this time expires (default 24 h) */
  requestTtlMs?: number
  /**
   * What follows an approval, once committed (default: the `purchase:approved`
   * event, whose listener queues the ProcessPurchaseRequests job)
   */
  dispatch?: (requestId: number, priority: number) => Promise<void>
  clock?: () => Date
}

async function announceApproval(requestId: number, priority: number) {
  await emitter.emit('purchase:approved', { requestId, priority })
}

export default class PurchaseService {
  readonly requireManagerApproval: boolean
  readonly requestTtlMs: number
  readonly #clock: () => Date
  readonly #creation: CreatePurchaseRequest
  readonly #decisions: PurchaseDecisions

  constructor(options: PurchaseServiceOptions = {}) {
    this.requireManagerApproval = options.requireManagerApproval ?? false
    this.requestTtlMs = options.requestTtlMs ?? 24 * 3_600_000
    this.#clock = options.clock ?? (() => new Date())
    const dispatch = options.dispatch ?? announceApproval
    this.#creation = new CreatePurchaseRequest({
      requireManagerApproval: this.requireManagerApproval,
      requestTtlMs: this.requestTtlMs,
      dispatch,
      clock: this.#clock,
    })
    this.#decisions = new PurchaseDecisions({
      requireManagerApproval: this.requireManagerApproval,
      dispatch,
      clock: this.#clock,
    })
  }

  create(actor: User, input: CreateInput): Promise<{ request: RequestRow; replayed: boolean }> {
    return this.#creation.execute(actor, input)
  }

  approve(actor: User, id: number, ip: string | null = null): Promise<RequestRow> {
    return this.#decisions.approve(actor, id, ip)
  }

  reject(actor: User, id: number, reason: string, ip: string | null = null): Promise<RequestRow> {
    return this.#decisions.reject(actor, id, reason, ip)
  }

  cancel(actor: User, id: number, ip: string | null = null): Promise<RequestRow> {
    return this.#decisions.cancel(actor, id, ip)
  }

  /** Submits a draft for approval. */
  submit(actor: User, id: number, ip: string | null = null): Promise<RequestRow> {
    return this.#decisions.submit(actor, id, ip)
  }

  show(actor: User, id: number) {
    return showRequest(actor, id)
  }

  /** The requests `actor` may see in `scope` (mine, awaiting approval, all): the base of every list. */
  scopedQuery(actor: User, scope: 'mine' | 'awaiting' | 'all' = 'mine') {
    return scopedRequests(actor, scope)
  }

  list(actor: User, filters: ListFilters = {}) {
    return listRequests(actor, filters)
  }

  /**
   * Expires requests not yet executing whose time ran out or whose listing
   * disappeared from the market. Safe to run from any number of workers.
   */
  expireStale(now: Date = this.#clock()): Promise<{ expired: number }> {
    return expireStaleRequests(now)
  }
}
