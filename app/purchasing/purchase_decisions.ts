/**
 * Deciding on a purchase request: approve (the listing still offered, the
 * order's terms and the owner's budget checked again under their row lock),
 * reject, cancel, or submit a draft. Each is a conditional move plus its
 * audit entry in one transaction (requests.ts); after an approval is
 * committed, `dispatch` (the `purchase:approved` event) has its order placed.
 */
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import ApiException from '#exceptions/api_exception'
import { apiErrors } from '#exceptions/catalogue'
import { checkPrice, checkQuantity, orderUnitMinor } from '#purchasing/criteria'
import { budgetRefusal } from '#purchasing/budgets'
import { loadListing } from '#purchasing/purchase_listing'
import { findRequest, moveRequest, type RequestRow } from '#purchasing/requests'
import { IllegalTransition } from '#purchasing/state_machine'
import { refuse } from '#purchasing/refusals'
import { visibleRequest } from '#purchasing/purchase_queries'
import { expireRequest } from '#purchasing/purchase_expiry'
import { dbTime, lockRows } from '#purchasing/sql'

export interface PurchaseDecisionsOptions {
  /** The deployment requires a manager (or admin) to approve every request, the requester's own included */
  requireManagerApproval: boolean
  /** Runs after an approval is committed */
  dispatch: (requestId: number, priority: number) => Promise<void>
  clock: () => Date
}

export default class PurchaseDecisions {
  readonly #options: PurchaseDecisionsOptions

  constructor(options: PurchaseDecisionsOptions) {
    this.#options = options
  }

  /** Who may decide on a request: the requester (unless the deployment wants a manager), a manager or an admin. */
  #authorize(actor: User, request: RequestRow, verb: 'approve' | 'reject') {
    if (!actor.hasRoleAtLeast('member')) {
      throw new apiErrors.E_FORBIDDEN(`Viewers cannot ${verb} purchase requests`)
    }
    const manager = actor.hasRoleAtLeast('manager')
    if (
      verb === 'approve' &&
      request.user_id === actor.id &&
      this.#options.requireManagerApproval &&
      !manager
    ) {
      throw new apiErrors.E_MANAGER_APPROVAL_REQUIRED(
        'This deployment requires a manager to approve purchases'
      )
    }
  }

  /**
   * Runs one decision's transaction. When it fails for a reason of the
   * database (a deadlock, a lock timeout, a transaction another request's
   * outcome finished) and meanwhile the request has moved on, the caller
   * lost a race: that is the 409 every other loser gets, not a 500.
   */
  async #decidedOnce(id: number, to: string, run: () => Promise<unknown>) {
    try {
      await run()
    } catch (error) {
      if (error instanceof ApiException) throw error
      const current = await findRequest(db.connection(), id)
      if (current && current.status !== 'pending_approval')
        throw new IllegalTransition(current.status, to)
      throw error
    }
  }

  async approve(actor: User, id: number, ip: string | null = null): Promise<RequestRow> {
    const request = await visibleRequest(actor, id)
    this.#authorize(actor, request, 'approve')
    const now = this.#options.clock()
    if (request.status !== 'pending_approval')
      throw new IllegalTransition(request.status, 'approved')

    const listing = request.listing_id
      ? await loadListing(db.connection(), { id: request.listing_id })
      : null
    if (!listing || listing.status !== 'available') {
      await expireRequest(request, 'listing_gone', 'The listing is no longer offered', now)
      throw new apiErrors.E_LISTING_GONE(
        'This listing is no longer offered; the request expired',
        'listingId'
      )
    }
    const quantityRefusal = checkQuantity({
      quantity: request.quantity,
      available: listing.quantity,
      splits: listing.splits,
      platformMax: listing.maxTicketsPerOrder,
      platformName: listing.platformName,
    })
    if (quantityRefusal) refuse(quantityRefusal)
    const priceRefusal = checkPrice(orderUnitMinor(listing), request.max_price_minor)
    if (priceRefusal) refuse(priceRefusal)

    const owner = request.user_id === actor.id ? actor : await User.findOrFail(request.user_id)
    await this.#decidedOnce(request.id, 'approved', () =>
      db.transaction(async (trx) => {
        await lockRows(trx, trx.from('users').where('id', request.user_id).select('id')).first()
        const overBudget = await budgetRefusal(trx, owner, {
          eventId: request.event_id,
          currency: request.currency,
          amountMinor: request.quantity * request.max_price_minor,
          excludeRequestId: request.id,
          now,
        })
        if (overBudget) refuse(overBudget)
        await moveRequest(trx, {
          id: request.id,
          from: 'pending_approval',
          to: 'approved',
          actorId: actor.id,
          action: 'purchase.approved',
          reason:
            request.user_id === actor.id
              ? 'approved by the requester'
              : `approved by ${actor.role} #${actor.id}`,
          patch: { approved_by: actor.id, approved_at: dbTime(trx, now) },
          ip,
          now,
        })
      })
    )
    await this.#options.dispatch(request.id, request.priority)
    return (await findRequest(db.connection(), request.id))!
  }

  async reject(
    actor: User,
    id: number,
    reason: string,
    ip: string | null = null
  ): Promise<RequestRow> {
    const request = await visibleRequest(actor, id)
    this.#authorize(actor, request, 'reject')
    const text = reason?.trim()
    if (!text) throw new apiErrors.E_VALIDATION('Say why the request is rejected', 'reason')
    const now = this.#options.clock()
    await db.transaction((trx) =>
      moveRequest(trx, {
        id: request.id,
        from: request.status,
        to: 'cancelled',
        actorId: actor.id,
        action: 'purchase.rejected',
        reason: text,
        patch: { reason: `rejected: ${text}`.slice(0, 500), failure_code: 'rejected' },
        ip,
        now,
      })
    )
    return (await findRequest(db.connection(), request.id))!
  }

  async cancel(actor: User, id: number, ip: string | null = null): Promise<RequestRow> {
    const request = await visibleRequest(actor, id)
    if (!actor.hasRoleAtLeast('member'))
      throw new apiErrors.E_FORBIDDEN('Viewers cannot cancel purchase requests')
    if (request.status === 'executing') {
      throw new apiErrors.E_PURCHASE_IN_FLIGHT(
        'The order is being placed; it can no longer be cancelled',
        'status'
      )
    }
    const now = this.#options.clock()
    await db.transaction((trx) =>
      moveRequest(trx, {
        id: request.id,
        from: request.status,
        to: 'cancelled',
        actorId: actor.id,
        action: 'purchase.cancelled',
        reason:
          request.user_id === actor.id
            ? 'cancelled by the requester'
            : `cancelled by ${actor.role} #${actor.id}`,
        patch: { reason: 'cancelled', failure_code: 'cancelled' },
        ip,
        now,
      })
    )
    return (await findRequest(db.connection(), request.id))!
  }

  /** Submits a draft for approval. */
  async submit(actor: User, id: number, ip: string | null = null): Promise<RequestRow> {
    const request = await visibleRequest(actor, id)
    if (request.user_id !== actor.id || !actor.hasRoleAtLeast('member')) {
      throw new apiErrors.E_FORBIDDEN('Only the requester submits a draft')
    }
    const now = this.#options.clock()
    await db.transaction((trx) =>
      moveRequest(trx, {
        id: request.id,
        from: request.status,
        to: 'pending_approval',
        actorId: actor.id,
        action: 'purchase.submitted',
        ip,
        now,
      })
    )
    return (await findRequest(db.connection(), request.id))!
  }
}
