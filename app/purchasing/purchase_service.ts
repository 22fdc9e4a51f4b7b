/**
 * Purchase requests: the use cases behind the pages, /api/v1/purchases,
 * rules with auto_purchase and Ace commands. Free of HTTP; authorization is
 * the first thing each method checks. Refusals are `ApiException`s with a
 * stable code, a 4xx status and, where it is about one input, the field.
 *
 * Guarantees held by the database, not by timing:
 * - one active request per (user, listing): the unique `active_key`
 *   (`<user>:<listing>` while active, NULL once terminal);
 * - one request per idempotency key: the unique `idempotency_key`;
 * - every status change is a conditional UPDATE plus its audit entry, in one
 *   transaction (requests.ts).
 */
import { createHash, randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import User from '#models/user'
import ApiException from '#exceptions/api_exception'
import { recordAudit } from '#services/audit_log'
import {
  orderUnitMinor,
  autoApprovalFits,
  checkBudget,
  checkPrice,
  checkQuantity,
  type Refusal,
} from '#purchasing/criteria'
import { loadBudget, spendOf } from '#purchasing/budgets'
import { findRequest, moveRequest, normaliseRequest, type RequestRow } from '#purchasing/requests'
import {
  ACTIVE_STATES,
  IllegalTransition,
  isPurchaseState,
  type PurchaseState,
} from '#purchasing/state_machine'
import { dbTime, fromDbTime, insertReturningId, lockRows, uniqueViolation } from '#purchasing/sql'
import emitter from '@adonisjs/core/services/emitter'

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

export interface CreateInput {
  listingId?: number | null
  eventId?: number | null
  platform?: string | null
  listingRef?: string | null
  quantity: number
  /** Per ticket, all-in; defaults to the listing's current price */
  maxPriceMinor?: number | null
  /** Client-supplied (the API's Idempotency-Key header); generated when absent */
  idempotencyKey?: string | null
  ruleId?: number | null
  alertId?: number | null
  /** Keep it as a draft instead of submitting it for approval */
  draft?: boolean
  ip?: string | null
}

export interface ListFilters {
  status?: PurchaseState | null
  /** mine (default) | awaiting (pending approval: own, or everyone's for managers) | all (managers) */
  scope?: 'mine' | 'awaiting' | 'all' | null
  eventId?: number | null
  platform?: string | null
  from?: Date | null
  to?: Date | null
  page?: number
  perPage?: number
}

/** A stored listing with what purchasing needs about its event and platform. */
export interface ListingContext {
  id: number
  eventId: number
  externalId: string
  section: string | null
  row: string | null
  quantity: number
  splits: number[] | null
  priceMinor: number | null
  priceWithFeesMinor: number | null
  currency: string
  status: string
  eventRef: string
  platformId: number
  platformSlug: string
  platformName: string
  platformEnabled: boolean
  checkout: boolean
  maxTicketsPerOrder: number | null
  eventImportance: number
}

const CLIENT_KEY = /^[A-Za-z0-9._:-]{1,100}$/

function parseJson<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback
  if (typeof value !== 'string') return value as T
  try {
    return JSON.parse(value) as T
  } catch {
    return fallback
  }
}

export async function loadListing(
  client: QueryClientContract,
  where: { id?: number; eventId?: number; platform?: string; ref?: string }
) {
  const query = client
    .from('listings as l')
    .join('event_sources as s', 's.id', 'l.event_source_id')
    .join('platforms as p', 'p.id', 's.platform_id')
    .join('events as e', 'e.id', 'l.event_id')
    .select(
      'l.id',
      'l.event_id',
      'l.external_id',
      'l.section',
      'l.row',
      'l.quantity',
      'l.splits',
      'l.price_minor',
      'l.price_with_fees_minor',
      'l.currency',
      'l.status',
      's.external_id as event_ref',
      'p.id as platform_id',
      'p.slug as platform_slug',
      'p.name as platform_name',
      'p.enabled as platform_enabled',
      'p.capabilities',
      'p.max_tickets_per_order',
      'e.importance as event_importance'
    )
  if (where.id !== undefined) query.where('l.id', where.id)
  else
    query
      .where('l.event_id', where.eventId!)
      .where('p.slug', where.platform!)
      .where('l.external_id', where.ref!)
  const row = await query.first()
  if (!row) return null
  const capabilities = parseJson<{ checkout?: boolean }>(row.capabilities, {})
  return {
    id: Number(row.id),
    eventId: Number(row.event_id),
    externalId: row.external_id,
    section: row.section,
    row: row.row,
    quantity: Number(row.quantity),
    splits: parseJson<number[] | null>(row.splits, null),
    priceMinor: row.price_minor === null ? null : Number(row.price_minor),
    priceWithFeesMinor:
      row.price_with_fees_minor === null ? null : Number(row.price_with_fees_minor),
    currency: row.currency,
    status: row.status,
    eventRef: row.event_ref,
    platformId: Number(row.platform_id),
    platformSlug: row.platform_slug,
    platformName: row.platform_name,
    platformEnabled: Boolean(row.platform_enabled),
    checkout: capabilities.checkout === true,
    maxTicketsPerOrder:
      row.max_tickets_per_order === null ? null : Number(row.max_tickets_per_order),
    eventImportance: Number(row.event_importance ?? 3),
  } satisfies ListingContext
}

function refuse(refusal: Refusal, status = 422): never {
  throw new ApiException(refusal.code, refusal.message, status, refusal.field)
}

const notFound = () => new ApiException('E_NOT_FOUND', 'No such purchase request', 404)

/** 1 (first) .. 10 (last): VIP events and important rules go first. */
export function priorityFor(eventImportance: number, ruleImportance: number | null): number {
  const importance = Math.max(eventImportance || 3, ruleImportance ?? 0)
  return Math.min(10, Math.max(1, 11 - 2 * Math.min(5, importance)))
}

async function defaultDispatch(requestId: number, priority: number) {
  await emitter.emit('purchase:approved', { requestId, priority })
}

/**
 * What a create call asked for, as a hash: an Idempotency-Key replayed with
 * any other input is refused. The key itself and the caller's IP are not
 * part of the request.
 */
export function fingerprint(input: CreateInput): string {
  const asked = {
    listingId: input.listingId ?? null,
    eventId: input.eventId ?? null,
    platform: input.platform ?? null,
    listingRef: input.listingRef ?? null,
    quantity: input.quantity,
    maxPriceMinor: input.maxPriceMinor ?? null,
    ruleId: input.ruleId ?? null,
    alertId: input.alertId ?? null,
    draft: input.draft ?? false,
  }
  return createHash('sha256').update(JSON.stringify(asked)).digest('hex')
}

export default class PurchaseService {
  readonly requireManagerApproval: boolean
  readonly requestTtlMs: number
  readonly #dispatch: (requestId: number, priority: number) => Promise<void>
  readonly #clock: () => Date

  constructor(options: PurchaseServiceOptions = {}) {
    this.requireManagerApproval = options.requireManagerApproval ?? false
    this.requestTtlMs = options.requestTtlMs ?? 24 * 3_600_000
    this.#dispatch = options.dispatch ?? defaultDispatch
    this.#clock = options.clock ?? (() => new Date())
  }

  // ---- create ----

  async create(
    actor: User,
    input: CreateInput
  ): Promise<{ request: RequestRow; replayed: boolean }> {
    if (!actor.hasRoleAtLeast('member'))
      throw new ApiException('E_FORBIDDEN', 'Viewers cannot request purchases', 403)
    const now = this.#clock()
    let idempotencyKey: string
    if (input.idempotencyKey !== undefined && input.idempotencyKey !== null) {
      if (!CLIENT_KEY.test(input.idempotencyKey)) {
        throw new ApiException(
          'E_VALIDATION',
          'An idempotency key is 1–100 characters of letters, digits and . _ : -',
          422,
          'idempotencyKey'
        )
      }
      idempotencyKey = `hdt-u${actor.id}-${input.idempotencyKey}`
      const replay = await this.#replay(actor, idempotencyKey, input)
      if (replay) return { request: replay, replayed: true }
    } else {
      idempotencyKey = `hdt-u${actor.id}-${randomUUID()}`
    }

    const listing = await this.#resolveListing(input)
    if (listing.status !== 'available') {
      throw new ApiException(
        'E_LISTING_GONE',
        'This listing is no longer offered',
        422,
        'listingId'
      )
    }
    if (!listing.platformEnabled) {
      throw new ApiException(
        'E_PLATFORM_DISABLED',
        `${listing.platformName} is disabled on this deployment`,
        422,
        'platform'
      )
    }
    if (!listing.checkout) {
      throw new ApiException(
        'E_CHECKOUT_UNSUPPORTED',
        `${listing.platformName} has no order API: open its page through purchase assist and record the purchase afterwards`,
        422,
        'platform'
      )
    }
    const account = await db
      .from('accounts')
      .where({ user_id: actor.id, platform_id: listing.platformId })
      .first()
    if (!account) {
      throw new ApiException(
        'E_ACCOUNT_NOT_LINKED',
        `Link your ${listing.platformName} account before buying there`,
        422,
        'platform'
      )
    }
    if (account.status === 'rejected') {
      throw new ApiException(
        'E_ACCOUNT_REJECTED',
        `${listing.platformName} refused your linked credentials: replace them first`,
        422,
        'platform'
      )
    }
    const quantityRefusal = checkQuantity({
      quantity: input.quantity,
      available: listing.quantity,
      splits: listing.splits,
      platformMax: listing.maxTicketsPerOrder,
      platformName: listing.platformName,
    })
    if (quantityRefusal) refuse(quantityRefusal)
    const unitMinor = orderUnitMinor(listing)
    const maxPriceMinor = input.maxPriceMinor ?? unitMinor
    if (maxPriceMinor !== null && (!Number.isSafeInteger(maxPriceMinor) || maxPriceMinor < 1)) {
      throw new ApiException(
        'E_VALIDATION',
        'The maximum price is a positive whole amount in minor units',
        422,
        'maxPriceMinor'
      )
    }
    const priceRefusal = checkPrice(unitMinor, maxPriceMinor ?? 0)
    if (priceRefusal) refuse(priceRefusal)

    const rule = input.ruleId
      ? await db.from('watch_rules').where({ id: input.ruleId, user_id: actor.id }).first()
      : null
    if (input.ruleId && !rule)
      throw new ApiException('E_NOT_FOUND', 'No such watch rule', 404, 'ruleId')
    if (input.alertId) {
      const alert = await db.from('alerts').where({ id: input.alertId, user_id: actor.id }).first()
      if (!alert) throw new ApiException('E_NOT_FOUND', 'No such alert', 404, 'alertId')
    }
    const ruleView = rule
      ? {
          userId: Number(rule.user_id),
          enabled: Boolean(rule.enabled),
          autoPurchase: Boolean(rule.auto_purchase),
          maxPriceMinor: rule.max_price_minor === null ? null : Number(rule.max_price_minor),
          currency: rule.currency,
        }
      : null
    const autoApprove =
      !input.draft &&
      !this.requireManagerApproval &&
      autoApprovalFits(ruleView, {
        userId: actor.id,
        maxPriceMinor: maxPriceMinor!,
        currency: listing.currency,
        unitMinor: unitMinor!,
      })
    const priority = priorityFor(listing.eventImportance, rule ? Number(rule.importance) : null)

    let id: number
    try {
      id = await db.transaction(async (trx) => {
        await lockRows(trx, trx.from('users').where('id', actor.id).select('id')).first()
        const budgetRefusal = await this.#checkBudget(
          trx,
          actor,
          listing.eventId,
          listing.currency,
          input.quantity * maxPriceMinor!,
          null,
          now
        )
        if (budgetRefusal) refuse(budgetRefusal)
        const requestId = await insertReturningId(trx, 'purchase_requests', {
          user_id: actor.id,
          watch_rule_id: rule ? Number(rule.id) : null,
          alert_id: input.alertId ?? null,
          event_id: listing.eventId,
          listing_id: listing.id,
          platform_id: listing.platformId,
          account_id: null,
          quantity: input.quantity,
          max_price_minor: maxPriceMinor,
          currency: listing.currency,
          status: 'draft',
          idempotency_key: idempotencyKey,
          request_fingerprint: fingerprint(input),
          attempts: 0,
          expires_at: dbTime(trx, new Date(now.getTime() + this.requestTtlMs)),
          created_at: dbTime(trx, now),
          updated_at: dbTime(trx, now),
          active_key: `${actor.id}:${listing.id}`,
          listing_ref: listing.externalId,
          quoted_unit_minor: unitMinor,
          priority,
        })
        await recordAudit(
          {
            actorId: actor.id,
            action: 'purchase.created',
            subjectType: 'purchase_request',
            subjectId: requestId,
            toState: 'draft',
            meta: {
              listingId: listing.id,
              platform: listing.platformSlug,
              quantity: input.quantity,
              maxPriceMinor,
              quotedUnitMinor: unitMinor,
              currency: listing.currency,
              ruleId: rule ? Number(rule.id) : null,
              alertId: input.alertId ?? null,
            },
            ip: input.ip ?? null,
          },
          trx
        )
        if (!input.draft) {
          await moveRequest(trx, {
            id: requestId,
            from: 'draft',
            to: 'pending_approval',
            actorId: actor.id,
            action: 'purchase.submitted',
            ip: input.ip,
            now,
          })
        }
        if (autoApprove) {
          await moveRequest(trx, {
            id: requestId,
            from: 'pending_approval',
            to: 'approved',
            actorId: null,
            action: 'purchase.auto_approved',
            reason: `rule #${rule.id} has auto_purchase on and the order fits its cap of ${rule.max_price_minor} per ticket`,
            patch: { approved_at: dbTime(trx, now) },
            now,
          })
        }
        return requestId
      })
    } catch (error) {
      const unique = uniqueViolation(error)
      if (unique?.includes('idempotency_key') && input.idempotencyKey) {
        const replay = await this.#replay(actor, idempotencyKey, input)
        if (replay) return { request: replay, replayed: true }
      }
      if (unique?.includes('active_key')) {
        throw new ApiException(
          'E_DUPLICATE_REQUEST',
          'You already have an open purchase request for this listing',
          409,
          'listingId'
        )
      }
      throw error
    }
    if (autoApprove) await this.#dispatch(id, priority)
    return { request: (await findRequest(db.connection(), id))!, replayed: false }
  }

  /** The same key again: the first request when the input matches, a conflict otherwise. */
  async #replay(actor: User, key: string, input: CreateInput): Promise<RequestRow | null> {
    const existing = await db.from('purchase_requests').where('idempotency_key', key).first()
    if (!existing) return null
    const row = normaliseRequest(existing)
    if (existing.request_fingerprint && existing.request_fingerprint !== fingerprint(input)) {
      throw new ApiException(
        'E_IDEMPOTENCY_KEY_REUSED',
        'This idempotency key was used for a different purchase request: send the same request again, or use a new key',
        409,
        'idempotencyKey'
      )
    }
    const sameListing =
      input.listingId !== undefined && input.listingId !== null
        ? row.listing_id === input.listingId
        : row.event_id === input.eventId && row.listing_ref === input.listingRef
    if (row.user_id !== actor.id || !sameListing || row.quantity !== input.quantity) {
      throw new ApiException(
        'E_IDEMPOTENCY_KEY_REUSED',
        'This idempotency key was used for a different purchase request',
        409,
        'idempotencyKey'
      )
    }
    return row
  }

  async #resolveListing(input: CreateInput): Promise<ListingContext> {
    let listing: ListingContext | null = null
    if (input.listingId !== undefined && input.listingId !== null) {
      listing = await loadListing(db.connection(), { id: input.listingId })
    } else if (input.eventId && input.platform && input.listingRef) {
      const platform = await db.from('platforms').where('slug', input.platform).first()
      if (!platform)
        throw new ApiException(
          'E_VALIDATION',
          `Unknown platform "${input.platform}"`,
          422,
          'platform'
        )
      listing = await loadListing(db.connection(), {
        eventId: input.eventId,
        platform: input.platform,
        ref: input.listingRef,
      })
    } else {
      throw new ApiException(
        'E_VALIDATION',
        'Give a listingId, or an eventId with a platform and a listingRef',
        422,
        'listingId'
      )
    }
    if (!listing) throw new ApiException('E_LISTING_NOT_FOUND', 'No such listing', 404, 'listingId')
    return listing
  }

  async #checkBudget(
    client: QueryClientContract,
    user: User,
    eventId: number,
    currency: string,
    amountMinor: number,
    excludeRequestId: number | null,
    now: Date
  ): Promise<Refusal | null> {
    const budget = await loadBudget(client, user.id)
    if (!budget) return null
    const spent = await spendOf(client, {
      userId: user.id,
      eventId,
      currency,
      timezone: user.timezone,
      now,
      excludeRequestId,
    })
    return checkBudget(budget, spent, amountMinor, currency)
  }

  // ---- approval ----

  /** Who may decide on a request: the requester (unless the deployment wants a manager), a manager or an admin. */
  #authorizeDecision(actor: User, request: RequestRow, verb: 'approve' | 'reject') {
    if (!actor.hasRoleAtLeast('member')) {
      throw new ApiException('E_FORBIDDEN', `Viewers cannot ${verb} purchase requests`, 403)
    }
    const manager = actor.hasRoleAtLeast('manager')
    if (
      verb === 'approve' &&
      request.user_id === actor.id &&
      this.requireManagerApproval &&
      !manager
    ) {
      throw new ApiException(
        'E_MANAGER_APPROVAL_REQUIRED',
        'This deployment requires a manager to approve purchases',
        403
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
    /** Another user's request is not found, as a missing one is (never a 403 that tells it exists). */
    const request = await this.#visible(actor, id)
    this.#authorizeDecision(actor, request, 'approve')
    const now = this.#clock()
    if (request.status !== 'pending_approval')
      throw new IllegalTransition(request.status, 'approved')

    const listing = request.listing_id
      ? await loadListing(db.connection(), { id: request.listing_id })
      : null
    if (!listing || listing.status !== 'available') {
      await this.#expire(request, 'listing_gone', 'The listing is no longer offered', now)
      throw new ApiException(
        'E_LISTING_GONE',
        'This listing is no longer offered; the request expired',
        422,
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
        const budgetRefusal = await this.#checkBudget(
          trx,
          owner,
          request.event_id,
          request.currency,
          request.quantity * request.max_price_minor,
          request.id,
          now
        )
        if (budgetRefusal) refuse(budgetRefusal)
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
    await this.#dispatch(request.id, request.priority)
    return (await findRequest(db.connection(), request.id))!
  }

  async reject(
    actor: User,
    id: number,
    reason: string,
    ip: string | null = null
  ): Promise<RequestRow> {
    /** Another user's request is not found, as a missing one is (never a 403 that tells it exists). */
    const request = await this.#visible(actor, id)
    this.#authorizeDecision(actor, request, 'reject')
    const text = reason?.trim()
    if (!text)
      throw new ApiException('E_VALIDATION', 'Say why the request is rejected', 422, 'reason')
    const now = this.#clock()
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
    const request = await this.#visible(actor, id)
    if (!actor.hasRoleAtLeast('member'))
      throw new ApiException('E_FORBIDDEN', 'Viewers cannot cancel purchase requests', 403)
    if (request.status === 'executing') {
      throw new ApiException(
        'E_PURCHASE_IN_FLIGHT',
        'The order is being placed; it can no longer be cancelled',
        409,
        'status'
      )
    }
    const now = this.#clock()
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
    const request = await this.#visible(actor, id)
    if (request.user_id !== actor.id || !actor.hasRoleAtLeast('member')) {
      throw new ApiException('E_FORBIDDEN', 'Only the requester submits a draft', 403)
    }
    const now = this.#clock()
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

  // ---- reading ----

  async #visible(actor: User, id: number): Promise<RequestRow> {
    const request = await findRequest(db.connection(), id)
    if (!request || (request.user_id !== actor.id && !actor.hasRoleAtLeast('manager')))
      throw notFound()
    return request
  }

  async show(actor: User, id: number) {
    const request = await this.#visible(actor, id)
    const [platform, order, audit, attempts] = await Promise.all([
      db.from('platforms').where('id', request.platform_id).select('slug').first(),
      db.from('orders').where('purchase_request_id', request.id).orderBy('id').first(),
      db
        .from('audit_logs')
        .where({ subject_type: 'purchase_request', subject_id: String(request.id) })
        .orderBy('id'),
      db.from('purchase_attempts').where('purchase_request_id', request.id).orderBy('id'),
    ])
    return {
      request: { ...request, platform_slug: platform?.slug },
      order: order ?? null,
      audit,
      attempts,
    }
  }

  /** The requests `actor` may see in `scope` (mine, awaiting approval, all): the base of every list. */
  scopedQuery(actor: User, scope: 'mine' | 'awaiting' | 'all' = 'mine') {
    const manager = actor.hasRoleAtLeast('manager')
    if (scope === 'all' && !manager)
      throw new ApiException(
        'E_FORBIDDEN',
        "Only managers and admins see everyone's requests",
        403,
        'scope'
      )
    const query = db
      .from('purchase_requests as r')
      .join('platforms as p', 'p.id', 'r.platform_id')
      .select('r.*', 'p.slug as platform_slug')
    if (scope === 'mine' || (scope === 'awaiting' && !manager)) query.where('r.user_id', actor.id)
    if (scope === 'awaiting') query.where('r.status', 'pending_approval')
    return query
  }

  async list(actor: User, filters: ListFilters = {}) {
    const perPage = Math.min(100, Math.max(1, Math.trunc(filters.perPage ?? 25)))
    const page = Math.max(1, Math.trunc(filters.page ?? 1))
    const query = this.scopedQuery(actor, filters.scope ?? 'mine')
    if (filters.status) {
      if (!isPurchaseState(filters.status))
        throw new ApiException('E_VALIDATION', 'Unknown status', 422, 'status')
      query.where('r.status', filters.status)
    }
    if (filters.eventId) query.where('r.event_id', filters.eventId)
    if (filters.platform) query.where('p.slug', filters.platform)
    if (filters.from) query.where('r.created_at', '>=', dbTime(db.connection(), filters.from))
    if (filters.to) query.where('r.created_at', '<', dbTime(db.connection(), filters.to))
    const countQuery = query.clone().clearSelect().clearOrder().count('* as total').first()
    const [rows, count] = await Promise.all([
      query
        .orderBy('r.id', 'desc')
        .limit(perPage)
        .offset((page - 1) * perPage),
      countQuery,
    ])
    return {
      data: rows.map((row: any) => ({
        ...normaliseRequest(row),
        platform_slug: row.platform_slug as string,
      })),
      meta: { page, perPage, total: Number((count as any)?.total ?? 0) },
    }
  }

  // ---- expiry ----

  async #expire(request: RequestRow, code: string, reason: string, now: Date) {
    try {
      await db.transaction((trx) =>
        moveRequest(trx, {
          id: request.id,
          from: request.status,
          to: 'expired',
          actorId: null,
          action: 'purchase.expired',
          reason,
          patch: { reason, failure_code: code },
          now,
        })
      )
      return true
    } catch (error) {
      if ((error as ApiException).code === 'E_ILLEGAL_TRANSITION') return false
      throw error
    }
  }

  /**
   * Expires requests not yet executing whose time ran out or whose listing
   * disappeared from the market. Safe to run from any number of workers.
   */
  async expireStale(now: Date = this.#clock()): Promise<{ expired: number }> {
    const waiting: PurchaseState[] = ACTIVE_STATES.filter((state) => state !== 'executing')
    const client = db.connection()
    const rows = await client
      .from('purchase_requests as r')
      .leftJoin('listings as l', 'l.id', 'r.listing_id')
      .whereIn('r.status', waiting)
      .where((query) =>
        query
          .where('r.expires_at', '<=', dbTime(client, now))
          .orWhereNull('r.listing_id')
          .orWhere('l.status', 'gone')
      )
      .select('r.*', 'l.status as listing_status')
      .limit(1000)
    let expired = 0
    for (const raw of rows) {
      const request = normaliseRequest(raw)
      const timedOut = (fromDbTime(raw.expires_at)?.getTime() ?? Infinity) <= now.getTime()
      const ok = timedOut
        ? await this.#expire(request, 'timed_out', 'Not executed in time', now)
        : await this.#expire(request, 'listing_gone', 'The listing is no longer offered', now)
      if (ok) expired++
    }
    return { expired }
  }
}
