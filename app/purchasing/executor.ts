/**
 * Places the order of an approved purchase request, exactly once.
 *
 * 1. Claim: a conditional UPDATE moves the request approved → executing (or
 *    takes over an executing one whose lease ran out: its worker died or it
 *    is due for a retry) with a fresh claim token. Of any number of workers,
 *    processes or parallel jobs, one wins; the others skip.
 * 2. Offer: on the first attempt, the best offer among the user's own linked
 *    checkout-capable accounts (one per platform, never a pool); it is
 *    stored, so every retry goes back to the same platform with the same key.
 * 3. Reconcile: from the second attempt on, `findOrder(key)` first — an
 *    order the platform accepted before a crash or a lost answer is recorded,
 *    never placed again.
 * 4. Re-quote the listing and abort when the price drifted beyond the user's
 *    tolerance; then `placeOrder(request, key)`.
 * 5. Outcome: the order recorded and the request succeeded (one
 *    transaction); a transient error leaves it executing with its lease set
 *    to the retry time; a permanent one (or too many attempts) fails it with
 *    the reason. purchase_success / purchase_failed go to the registry.
 */
import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { Connector, ConnectorContext, Credential, PlacedOrder } from '#connectors/contract'
import { ConnectorError } from '#connectors/errors'
import type ConnectorRuntime from '#connectors/runtime'
import { connectorRuntime } from '#connectors/runtime'
import Order from '#models/order'
import { decryptSecret } from '#security/secrets'
import { recordAudit } from '#services/audit_log'
import {
  orderUnitMinor,
  checkDrift,
  checkQuantity,
  priceCeiling,
  retryDelayMs,
} from '#purchasing/criteria'
import { selectOffer, type Offer } from '#purchasing/offer_selection'
import { findRequest, moveRequest, type RequestRow } from '#purchasing/requests'
import { platformRateMap, recordAttempt, type AttemptOutcome } from '#purchasing/success_rates'
import { announcePurchase } from '#purchasing/purchase_events'
import { loadBudget } from '#purchasing/budgets'
import { IllegalTransition } from '#purchasing/state_machine'
import { affectedRows, dbTime, fromDbTime, uniqueViolation } from '#purchasing/sql'

export type ExecutionOutcome =
  | { outcome: 'succeeded'; orderId: number; externalOrderId: string | null; reconciled: boolean }
  | { outcome: 'failed'; code: string; reason: string }
  | { outcome: 'retry'; delayMs: number; code: string; reason: string }
  | { outcome: 'skipped'; reason: string }

export interface ExecutorOptions {
  runtime?: () => Promise<ConnectorRuntime>
  clock?: () => Date
  /** How long a claim holds before another worker may take the request over (default 60 s) */
  leaseMs?: number
  /** Attempts before a transient failure becomes final (default 5) */
  maxAttempts?: number
  /** First retry delay; doubles per attempt (default 2 s) */
  retryBaseMs?: number
}

interface Claimed {
  request: RequestRow
  token: string
  attempt: number
}

class Abort extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly attemptOutcome: AttemptOutcome
  ) {
    super(message)
  }
}

export default class PurchaseExecutor {
  readonly #runtime: () => Promise<ConnectorRuntime>
  readonly #clock: () => Date
  readonly leaseMs: number
  readonly maxAttempts: number
  readonly retryBaseMs: number

  constructor(options: ExecutorOptions = {}) {
    this.#runtime = options.runtime ?? connectorRuntime
    this.#clock = options.clock ?? (() => new Date())
    this.leaseMs = options.leaseMs ?? 60_000
    this.maxAttempts = options.maxAttempts ?? 5
    this.retryBaseMs = options.retryBaseMs ?? 2_000
  }

  async run(requestId: number, options: { now?: Date } = {}): Promise<ExecutionOutcome> {
    const now = options.now ?? this.#clock()
    const claimed = await this.#claim(requestId, now)
    if ('skipped' in claimed) return { outcome: 'skipped', reason: claimed.skipped }
    const startedAt = now
    let offer: Offer | null = null
    try {
      offer = await this.#offer(claimed, now)
      const { connector, context } = await this.#connect(claimed.request, offer)
      return await this.#attempt(claimed, offer, connector, context, startedAt)
    } catch (error) {
      return this.#handleFailure(claimed, offer, error, startedAt)
    }
  }

  // ---- 1. claim ----

  async #claim(requestId: number, now: Date): Promise<Claimed | { skipped: string }> {
    const token = randomUUID()
    return db.transaction(async (trx) => {
      const request = await findRequest(trx, requestId)
      if (!request) return { skipped: 'no such request' }
      const leaseUntil = dbTime(trx, new Date(now.getTime() + this.leaseMs))
      if (request.status === 'approved') {
        try {
          await moveRequest(trx, {
            id: request.id,
            from: 'approved',
            to: 'executing',
            actorId: null,
            action: 'purchase.executing',
            patch: { claim_token: token, lease_until: leaseUntil, attempts: request.attempts + 1 },
            meta: { attempt: request.attempts + 1 },
            now,
          })
        } catch (error) {
          if (error instanceof IllegalTransition) return { skipped: 'another worker took it' }
          throw error
        }
        return {
          request: { ...request, status: 'executing', claim_token: token },
          token,
          attempt: request.attempts + 1,
        }
      }
      if (request.status === 'executing') {
        const lease = fromDbTime(request.lease_until)
        if (lease && lease.getTime() > now.getTime())
          return { skipped: 'another worker holds it (or its retry is not due)' }
        const query = trx
          .from('purchase_requests')
          .where('id', request.id)
          .where('status', 'executing')
        if (request.claim_token === null) query.whereNull('claim_token')
        else query.where('claim_token', request.claim_token)
        const changed = affectedRows(
          await query.update({
            claim_token: token,
            lease_until: leaseUntil,
            attempts: request.attempts + 1,
            updated_at: dbTime(trx, now),
          })
        )
        if (changed !== 1) return { skipped: 'another worker took it' }
        await recordAudit(
          {
            actorId: null,
            action: 'purchase.resumed',
            subjectType: 'purchase_request',
            subjectId: request.id,
            fromState: 'executing',
            toState: 'executing',
            reason: 'previous attempt ended without an outcome (retry due, or its worker stopped)',
            meta: { attempt: request.attempts + 1 },
          },
          trx
        )
        return { request: { ...request, claim_token: token }, token, attempt: request.attempts + 1 }
      }
      return { skipped: `status is ${request.status}` }
    })
  }

  // ---- 2. offer ----

  async #offer(claimed: Claimed, now: Date): Promise<Offer> {
    const request = claimed.request
    if (
      request.offer_platform_id !== null &&
      request.offer_event_ref &&
      request.offer_listing_ref &&
      request.account_id !== null
    ) {
      const platform = await db.from('platforms').where('id', request.offer_platform_id).first()
      return {
        platformId: request.offer_platform_id,
        platformSlug: platform?.slug ?? 'unknown',
        accountId: request.account_id,
        eventRef: request.offer_event_ref,
        listingRef: request.offer_listing_ref,
        listingId: null,
        unitMinor: request.quoted_unit_minor ?? request.max_price_minor,
        quantity: request.quantity,
        currency: request.currency,
      }
    }
    const offers = await this.#candidates(request)
    const rates = await platformRateMap([...new Set(offers.map((o) => o.platformId))])
    const offer = selectOffer(offers, rates)
    if (!offer) {
      throw new Abort(
        'no_offer',
        'No linked checkout-capable account offers this listing any more at or under the maximum price',
        'aborted'
      )
    }
    const changed = affectedRows(
      await db
        .from('purchase_requests')
        .where({ id: request.id, claim_token: claimed.token, status: 'executing' })
        .update({
          account_id: offer.accountId,
          offer_platform_id: offer.platformId,
          offer_event_ref: offer.eventRef,
          offer_listing_ref: offer.listingRef,
          quoted_unit_minor: request.quoted_unit_minor ?? offer.unitMinor,
          updated_at: dbTime(db.connection(), now),
        })
    )
    if (changed !== 1)
      throw new Abort('claim_lost', 'another worker took the request over', 'aborted')
    return offer
  }

  /**
   * The requested listing on its platform, and the same seats (section and
   * row) of the same event on the user's other checkout-capable platforms,
   * each through the user's own account there.
   */
  async #candidates(request: RequestRow): Promise<Offer[]> {
    const requested = request.listing_id
      ? await db.from('listings').where('id', request.listing_id).first()
      : null
    const accounts = await db
      .from('accounts as a')
      .join('platforms as p', 'p.id', 'a.platform_id')
      .where('a.user_id', request.user_id)
      .whereNot('a.status', 'rejected')
      .where('p.enabled', true)
      .select(
        'a.id as account_id',
        'p.id as platform_id',
        'p.slug',
        'p.capabilities',
        'p.max_tickets_per_order'
      )
    const offers: Offer[] = []
    for (const account of accounts) {
      const capabilities =
        typeof account.capabilities === 'string'
          ? JSON.parse(account.capabilities)
          : account.capabilities
      if (!capabilities?.checkout) continue
      const platformMax =
        account.max_tickets_per_order === null ? null : Number(account.max_tickets_per_order)
      const listings = db
        .from('listings as l')
        .join('event_sources as s', 's.id', 'l.event_source_id')
        .where('s.platform_id', account.platform_id)
        .where('l.event_id', request.event_id)
        .where('l.status', 'available')
        .where('l.currency', request.currency)
        .select('l.*', 's.external_id as event_ref')
      if (Number(account.platform_id) === request.platform_id) {
        if (!request.listing_id) continue
        listings.where('l.id', request.listing_id)
      } else {
        if (!requested || requested.section === null) continue
        listings.where('l.section', requested.section)
        if (requested.row !== null) listings.where('l.row', requested.row)
      }
      for (const row of await listings) {
        const unit = orderUnitMinor({
          priceMinor: row.price_minor,
          priceWithFeesMinor: row.price_with_fees_minor,
        })
        if (unit === null || Number(unit) > request.max_price_minor) continue
        const splits = typeof row.splits === 'string' ? JSON.parse(row.splits) : row.splits
        if (
          checkQuantity({
            quantity: request.quantity,
            available: Number(row.quantity),
            splits,
            platformMax,
          })
        )
          continue
        offers.push({
          platformId: Number(account.platform_id),
          platformSlug: account.slug,
          accountId: Number(account.account_id),
          eventRef: row.event_ref,
          listingRef: row.external_id,
          listingId: Number(row.id),
          unitMinor: Number(unit),
          quantity: request.quantity,
          currency: row.currency,
        })
      }
    }
    return offers
  }

  /** The user's own credential on that platform: never the deployment's, never another user's. */
  async #connect(
    request: RequestRow,
    offer: Offer
  ): Promise<{ connector: Connector; context: ConnectorContext }> {
    const account = await db
      .from('accounts')
      .where({ id: offer.accountId, user_id: request.user_id, platform_id: offer.platformId })
      .first()
    if (!account)
      throw new Abort(
        'account_unlinked',
        'The linked account this purchase uses was removed',
        'aborted'
      )
    const runtime = await this.#runtime()
    const connector = runtime.connector(offer.platformSlug)
    if (!connector.capabilities.checkout || !connector.placeOrder) {
      throw new Abort('checkout_unsupported', `${offer.platformSlug} has no order API`, 'aborted')
    }
    const credential = decryptSecret<Credential>(
      account.encrypted_credentials,
      'account.credentials'
    )
    return { connector, context: { credential, sourceKey: `${offer.platformSlug}:orders` } }
  }

  // ---- 3–4. reconcile, re-quote, order ----

  async #attempt(
    claimed: Claimed,
    offer: Offer,
    connector: Connector,
    context: ConnectorContext,
    startedAt: Date
  ): Promise<ExecutionOutcome> {
    const request = claimed.request
    const key = request.idempotency_key
    if (claimed.attempt > 1 && connector.findOrder) {
      const existing = await connector.findOrder(key, context)
      if (existing) return this.#recordSuccess(claimed, offer, existing, true, startedAt)
    }

    const market = await connector.fetchMarket(offer.eventRef, context)
    const listing = market.listings?.find((l) => l.ref === offer.listingRef) ?? null
    if (!listing) throw new Abort('listing_gone', 'The listing is no longer offered', 'aborted')
    const platform = await db
      .from('platforms')
      .where('id', offer.platformId)
      .select('max_tickets_per_order', 'name')
      .first()
    const quantityRefusal = checkQuantity({
      quantity: request.quantity,
      available: listing.quantity,
      splits: listing.splits,
      platformMax:
        platform?.max_tickets_per_order === null || platform?.max_tickets_per_order === undefined
          ? null
          : Number(platform.max_tickets_per_order),
    })
    if (quantityRefusal)
      throw new Abort(
        quantityRefusal.code === 'E_INVALID_SPLIT' ? 'invalid_split' : 'insufficient_quantity',
        quantityRefusal.message,
        'aborted'
      )
    /** The ticket price: what the order API takes (fees are charged beside it) */
    const price = listing.price ?? listing.priceWithFees
    if (!price) throw new Abort('no_price', 'The listing has no price any more', 'aborted')
    if (price.currency !== request.currency) {
      throw new Abort(
        'currency_mismatch',
        `The listing is now priced in ${price.currency}, not ${request.currency}`,
        'aborted'
      )
    }
    const budget = await loadBudget(db.connection(), request.user_id)
    const driftBps = budget?.priceDriftBps ?? 0
    const quoted = request.quoted_unit_minor ?? offer.unitMinor
    const drift = checkDrift(price.amountMinor, quoted, request.max_price_minor, driftBps)
    if (drift) throw new Abort('price_drift', drift.message, 'aborted')

    const placed = await connector.placeOrder!(
      {
        eventRef: offer.eventRef,
        listingRef: offer.listingRef,
        quantity: request.quantity,
        unitPrice: {
          amountMinor: priceCeiling(quoted, request.max_price_minor, driftBps),
          currency: request.currency,
        },
      },
      key,
      context
    )
    return this.#recordSuccess(claimed, offer, placed, placed.replayed, startedAt)
  }

  // ---- 5. outcomes ----

  async #recordSuccess(
    claimed: Claimed,
    offer: Offer,
    placed: PlacedOrder,
    reconciled: boolean,
    startedAt: Date
  ): Promise<ExecutionOutcome> {
    const request = claimed.request
    const now = this.#clock()
    const outcome = await db.transaction(async (trx) => {
      const order = await this.#upsertOrder(trx, request, offer, placed, now)
      let moved = false
      const current = await findRequest(trx, request.id)
      if (current?.status === 'executing') {
        await moveRequest(trx, {
          id: request.id,
          from: 'executing',
          to: 'succeeded',
          actorId: null,
          action: 'purchase.succeeded',
          reason: reconciled
            ? 'order found on the platform by its idempotency key'
            : 'order placed',
          meta: {
            orderId: order.id,
            externalOrderId: order.externalOrderId,
            platform: offer.platformSlug,
            reconciled,
            attempt: claimed.attempt,
          },
          patch: { claim_token: null, failure_code: null, reason: null },
          now,
        })
        moved = true
        await recordAttempt(trx, {
          requestId: request.id,
          userId: request.user_id,
          platformId: offer.platformId,
          accountId: offer.accountId,
          attempt: claimed.attempt,
          outcome: reconciled ? 'reconciled' : 'placed',
          startedAt,
          finishedAt: now,
        })
      }
      return { order, moved }
    })
    if (outcome.moved) {
      await announcePurchase('purchase:succeeded', {
        requestId: request.id,
        userId: request.user_id,
        orderId: outcome.order.id,
        platform: offer.platformSlug,
        externalOrderId: outcome.order.externalOrderId,
        quantity: outcome.order.quantity,
        totalMinor: outcome.order.totalMinor,
        currency: outcome.order.currency,
        reconciled,
        orderStatus: outcome.order.status,
      })
    }
    return {
      outcome: 'succeeded',
      orderId: outcome.order.id,
      externalOrderId: outcome.order.externalOrderId,
      reconciled,
    }
  }

  async #upsertOrder(
    trx: TransactionClientContract,
    request: RequestRow,
    offer: Offer,
    placed: PlacedOrder,
    now: Date
  ): Promise<Order> {
    const existing = await Order.query({ client: trx })
      .where('idempotency_key', request.idempotency_key)
      .first()
    if (existing) return existing
    const unit = placed.unitPrice.amountMinor
    const total = placed.total.amountMinor
    const quantity = placed.quantity || request.quantity
    try {
      return await Order.create(
        {
          purchaseRequestId: request.id,
          userId: request.user_id,
          platformId: offer.platformId,
          accountId: offer.accountId,
          eventId: request.event_id,
          externalOrderId: placed.ref,
          idempotencyKey: request.idempotency_key,
          status: placed.status,
          quantity,
          unitPriceMinor: unit,
          feesMinor: Math.max(0, total - unit * quantity),
          totalMinor: total,
          currency: placed.total.currency,
          source: 'api',
          paymentReference: null,
          placedAt: DateTime.fromJSDate(now),
        },
        { client: trx }
      )
    } catch (error) {
      if (!uniqueViolation(error)) throw error
      /** Another worker recorded it a moment ago (or this platform order is already on file). */
      const again = await Order.query({ client: trx })
        .where('idempotency_key', request.idempotency_key)
        .orWhere((q) =>
          q.where('platform_id', offer.platformId).where('external_order_id', placed.ref)
        )
        .first()
      if (again) return again
      throw error
    }
  }

  #classify(error: unknown): {
    kind: 'transient' | 'permanent'
    code: string
    message: string
    retryAfterMs: number | null
    attemptOutcome: AttemptOutcome
  } {
    const message = (error as Error)?.message ?? String(error)
    if (error instanceof Abort)
      return {
        kind: 'permanent',
        code: error.code,
        message,
        retryAfterMs: null,
        attemptOutcome: error.attemptOutcome,
      }
    /** A connector error says itself whether trying again can succeed (#connectors/errors). */
    if (error instanceof ConnectorError)
      return error.retryable
        ? {
            kind: 'transient',
            code: error.code,
            message,
            retryAfterMs: error.retryAfterMs,
            attemptOutcome: 'transient',
          }
        : {
            kind: 'permanent',
            code: error.code,
            message,
            retryAfterMs: null,
            attemptOutcome: 'rejected',
          }
    /**
     * Anything else (our own database error after the platform accepted):
     * the outcome is unknown, so retry — the next attempt starts by looking
     * the order up by its key.
     */
    return {
      kind: 'transient',
      code: 'internal_error',
      message,
      retryAfterMs: null,
      attemptOutcome: 'transient',
    }
  }

  async #handleFailure(
    claimed: Claimed,
    offer: Offer | null,
    error: unknown,
    startedAt: Date
  ): Promise<ExecutionOutcome> {
    const request = claimed.request
    const verdict = this.#classify(error)
    if (verdict.code === 'claim_lost') return { outcome: 'skipped', reason: verdict.message }
    if (verdict.code === 'internal_error')
      logger.error({ err: error, requestId: request.id }, 'purchase attempt failed')
    const now = this.#clock()
    const platformId = offer?.platformId ?? request.offer_platform_id ?? request.platform_id

    if (verdict.kind === 'transient' && claimed.attempt < this.maxAttempts) {
      const delayMs = retryDelayMs(claimed.attempt, verdict.retryAfterMs, this.retryBaseMs)
      await db.transaction(async (trx) => {
        await trx
          .from('purchase_requests')
          .where({ id: request.id, status: 'executing', claim_token: claimed.token })
          .update({
            lease_until: dbTime(trx, new Date(now.getTime() + delayMs)),
            reason: verdict.message.slice(0, 500),
            failure_code: verdict.code,
            updated_at: dbTime(trx, now),
          })
        await recordAudit(
          {
            actorId: null,
            action: 'purchase.attempt_failed',
            subjectType: 'purchase_request',
            subjectId: request.id,
            fromState: 'executing',
            toState: 'executing',
            reason: verdict.message.slice(0, 500),
            meta: { attempt: claimed.attempt, code: verdict.code, retryInMs: delayMs },
          },
          trx
        )
        await recordAttempt(trx, {
          requestId: request.id,
          userId: request.user_id,
          platformId,
          accountId: offer?.accountId ?? request.account_id,
          attempt: claimed.attempt,
          outcome: 'transient',
          code: verdict.code,
          message: verdict.message,
          startedAt,
          finishedAt: now,
        })
      })
      return { outcome: 'retry', delayMs, code: verdict.code, reason: verdict.message }
    }

    let code = verdict.code
    let reason = verdict.message
    const meta: Record<string, unknown> = { attempt: claimed.attempt, code: verdict.code }
    if (verdict.kind === 'transient') {
      /** Out of attempts: one last look for an order under the key before calling it failed. */
      code = 'max_attempts'
      reason = `gave up after ${claimed.attempt} attempts: ${verdict.message}`
      if (offer) {
        try {
          const { connector, context } = await this.#connect(request, offer)
          const existing = connector.findOrder
            ? await connector.findOrder(request.idempotency_key, context)
            : null
          if (existing) return this.#recordSuccess(claimed, offer, existing, true, startedAt)
        } catch (lookupError) {
          meta.unconfirmed = true
          reason = `${reason} (the platform could not be asked whether it holds an order under key ${request.idempotency_key}: reconcile before buying again)`
          logger.warn({ err: lookupError, requestId: request.id }, 'final order lookup failed')
        }
      }
    }
    let moved = false
    await db.transaction(async (trx) => {
      try {
        await moveRequest(trx, {
          id: request.id,
          from: 'executing',
          to: 'failed',
          actorId: null,
          action: 'purchase.failed',
          reason,
          meta,
          patch: { reason: reason.slice(0, 500), failure_code: code, claim_token: null },
          where: { claim_token: claimed.token },
          now,
        })
        moved = true
      } catch (moveError) {
        if (!(moveError instanceof IllegalTransition)) throw moveError
        return
      }
      await recordAttempt(trx, {
        requestId: request.id,
        userId: request.user_id,
        platformId,
        accountId: offer?.accountId ?? request.account_id,
        attempt: claimed.attempt,
        outcome: verdict.attemptOutcome,
        code,
        message: reason,
        startedAt,
        finishedAt: now,
      })
    })
    if (!moved) return { outcome: 'skipped', reason: 'another worker finished the request' }
    await announcePurchase('purchase:failed', {
      requestId: request.id,
      userId: request.user_id,
      platform: offer?.platformSlug ?? null,
      code,
      reason,
    })
    return { outcome: 'failed', code, reason }
  }

  /**
   * Requests that need a (new) job: approved but never picked up (a lost
   * dispatch), or executing with a lapsed lease (a dead worker, or a retry
   * that is due). For the schedule; the claim makes extra dispatches harmless.
   */
  async due(
    now: Date = this.#clock(),
    limit = 500
  ): Promise<Array<{ id: number; priority: number }>> {
    const client = db.connection()
    const rows = await client
      .from('purchase_requests')
      .where((q) =>
        q
          .where((a) =>
            a
              .where('status', 'approved')
              .where('updated_at', '<=', dbTime(client, new Date(now.getTime() - this.leaseMs)))
          )
          .orWhere((e) =>
            e.where('status', 'executing').where('lease_until', '<=', dbTime(client, now))
          )
      )
      .orderBy('priority')
      .limit(limit)
      .select('id', 'priority')
    return rows.map((row: any) => ({ id: Number(row.id), priority: Number(row.priority) }))
  }
}
