/**
 * Opening a purchase request (the pages, /api/v1/purchases, rules with
 * auto_purchase, the demo): who may, the idempotency key, the listing and
 * the user's linked account, the order's terms, the rule and alert it comes
 * from, then one transaction under the user's row lock — the budget, the
 * row, its audit entry, and its submission and auto-approval. After commit,
 * an auto-approved request's `dispatch` (the `purchase:approved` event).
 *
 * Guarantees held by the database, not by timing: one active request per
 * (user, listing) — the unique `active_key`; one request per idempotency
 * key — the unique `idempotency_key`, replayed when the input matches.
 */
import { createHash, randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { apiErrors } from '#exceptions/catalogue'
import { recordAudit } from '#services/audit_log'
import { autoApprovalFits, checkPrice, checkQuantity, orderUnitMinor } from '#purchasing/criteria'
import { budgetRefusal } from '#purchasing/budgets'
import { loadListing, type ListingContext } from '#purchasing/purchase_listing'
import { findRequest, moveRequest, normaliseRequest, type RequestRow } from '#purchasing/requests'
import { refuse } from '#purchasing/refusals'
import { dbTime, insertReturningId, lockRows, uniqueViolation } from '#purchasing/sql'

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

export interface CreatePurchaseRequestOptions {
  requireManagerApproval: boolean
  requestTtlMs: number
  /** Runs after an auto-approval is committed */
  dispatch: (requestId: number, priority: number) => Promise<void>
  clock: () => Date
}

const CLIENT_KEY = /^[A-Za-z0-9._:-]{1,100}$/

/** 1 (first) .. 10 (last): VIP events and important rules go first. */
export function priorityFor(eventImportance: number, ruleImportance: number | null): number {
  const importance = Math.max(eventImportance || 3, ruleImportance ?? 0)
  return Math.min(10, Math.max(1, 11 - 2 * Math.min(5, importance)))
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

/** The request's key: the client's own (namespaced by user), else a new one. */
function idempotencyKeyOf(actor: User, input: CreateInput) {
  if (input.idempotencyKey === undefined || input.idempotencyKey === null)
    return { key: `hdt-u${actor.id}-${randomUUID()}`, chosen: false }
  if (!CLIENT_KEY.test(input.idempotencyKey)) {
    throw new apiErrors.E_VALIDATION(
      'An idempotency key is 1–100 characters of letters, digits and . _ : -',
      'idempotencyKey'
    )
  }
  return { key: `hdt-u${actor.id}-${input.idempotencyKey}`, chosen: true }
}

/** The same key again: the first request when the input matches, a conflict otherwise. */
async function replay(actor: User, key: string, input: CreateInput): Promise<RequestRow | null> {
  const existing = await db.from('purchase_requests').where('idempotency_key', key).first()
  if (!existing) return null
  const row = normaliseRequest(existing)
  if (existing.request_fingerprint && existing.request_fingerprint !== fingerprint(input)) {
    throw new apiErrors.E_IDEMPOTENCY_KEY_REUSED(
      'This idempotency key was used for a different purchase request: send the same request again, or use a new key',
      'idempotencyKey'
    )
  }
  const sameListing =
    input.listingId !== undefined && input.listingId !== null
      ? row.listing_id === input.listingId
      : row.event_id === input.eventId && row.listing_ref === input.listingRef
  if (row.user_id !== actor.id || !sameListing || row.quantity !== input.quantity) {
    throw new apiErrors.E_IDEMPOTENCY_KEY_REUSED(
      'This idempotency key was used for a different purchase request',
      'idempotencyKey'
    )
  }
  return row
}

/** The listing asked for, by id or by (event, platform, listing ref). */
async function resolveListing(input: CreateInput): Promise<ListingContext> {
  let listing: ListingContext | null = null
  if (input.listingId !== undefined && input.listingId !== null) {
    listing = await loadListing(db.connection(), { id: input.listingId })
  } else if (input.eventId && input.platform && input.listingRef) {
    const platform = await db.from('platforms').where('slug', input.platform).first()
    if (!platform)
      throw new apiErrors.E_VALIDATION(`Unknown platform "${input.platform}"`, 'platform')
    listing = await loadListing(db.connection(), {
      eventId: input.eventId,
      platform: input.platform,
      ref: input.listingRef,
    })
  } else {
    throw new apiErrors.E_VALIDATION(
      'Give a listingId, or an eventId with a platform and a listingRef',
      'listingId'
    )
  }
  if (!listing) throw new apiErrors.E_LISTING_NOT_FOUND('No such listing', 'listingId')
  return listing
}

/** Still offered, on an enabled platform with an order API, where the actor has a usable account. */
async function checkOrderable(actor: User, listing: ListingContext) {
  if (listing.status !== 'available') {
    throw new apiErrors.E_LISTING_GONE('This listing is no longer offered', 'listingId')
  }
  if (!listing.platformEnabled) {
    throw new apiErrors.E_PLATFORM_DISABLED(
      `${listing.platformName} is disabled on this deployment`,
      'platform'
    )
  }
  if (!listing.checkout) {
    throw new apiErrors.E_CHECKOUT_UNSUPPORTED(
      `${listing.platformName} has no order API: open its page through purchase assist and record the purchase afterwards`,
      'platform'
    )
  }
  const account = await db
    .from('accounts')
    .where({ user_id: actor.id, platform_id: listing.platformId })
    .first()
  if (!account) {
    throw new apiErrors.E_ACCOUNT_NOT_LINKED(
      `Link your ${listing.platformName} account before buying there`,
      'platform'
    )
  }
  if (account.status === 'rejected') {
    throw new apiErrors.E_ACCOUNT_REJECTED(
      `${listing.platformName} refused your linked credentials: replace them first`,
      'platform'
    )
  }
}

/** The quantity the listing can sell, and the price per ticket the order may pay (the listing's by default). */
function orderTerms(input: CreateInput, listing: ListingContext) {
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
    throw new apiErrors.E_VALIDATION(
      'The maximum price is a positive whole amount in minor units',
      'maxPriceMinor'
    )
  }
  const priceRefusal = checkPrice(unitMinor, maxPriceMinor ?? 0)
  if (priceRefusal) refuse(priceRefusal)
  return { unitMinor: unitMinor!, maxPriceMinor: maxPriceMinor! }
}

/** The actor's own rule and alert the request comes from, when it names them. */
async function sourceOf(actor: User, input: CreateInput) {
  const rule = input.ruleId
    ? await db.from('watch_rules').where({ id: input.ruleId, user_id: actor.id }).first()
    : null
  if (input.ruleId && !rule) throw new apiErrors.E_NOT_FOUND('No such watch rule', 'ruleId')
  if (input.alertId) {
    const alert = await db.from('alerts').where({ id: input.alertId, user_id: actor.id }).first()
    if (!alert) throw new apiErrors.E_NOT_FOUND('No such alert', 'alertId')
  }
  return rule
}

export default class CreatePurchaseRequest {
  readonly #options: CreatePurchaseRequestOptions

  constructor(options: CreatePurchaseRequestOptions) {
    this.#options = options
  }

  async execute(
    actor: User,
    input: CreateInput
  ): Promise<{ request: RequestRow; replayed: boolean }> {
    if (!actor.hasRoleAtLeast('member'))
      throw new apiErrors.E_FORBIDDEN('Viewers cannot request purchases')
    const now = this.#options.clock()
    const { key: idempotencyKey, chosen } = idempotencyKeyOf(actor, input)
    if (chosen) {
      const first = await replay(actor, idempotencyKey, input)
      if (first) return { request: first, replayed: true }
    }

    const listing = await resolveListing(input)
    await checkOrderable(actor, listing)
    const { unitMinor, maxPriceMinor } = orderTerms(input, listing)
    const rule = await sourceOf(actor, input)
    const autoApprove =
      !input.draft &&
      !this.#options.requireManagerApproval &&
      autoApprovalFits(
        rule
          ? {
              userId: Number(rule.user_id),
              enabled: Boolean(rule.enabled),
              autoPurchase: Boolean(rule.auto_purchase),
              maxPriceMinor: rule.max_price_minor === null ? null : Number(rule.max_price_minor),
              currency: rule.currency,
            }
          : null,
        { userId: actor.id, maxPriceMinor, currency: listing.currency, unitMinor }
      )
    const priority = priorityFor(listing.eventImportance, rule ? Number(rule.importance) : null)

    let id: number
    try {
      id = await this.#store(actor, input, {
        listing,
        rule,
        idempotencyKey,
        unitMinor,
        maxPriceMinor,
        priority,
        autoApprove,
        now,
      })
    } catch (error) {
      const unique = uniqueViolation(error)
      if (unique?.includes('idempotency_key') && input.idempotencyKey) {
        const first = await replay(actor, idempotencyKey, input)
        if (first) return { request: first, replayed: true }
      }
      if (unique?.includes('active_key')) {
        throw new apiErrors.E_DUPLICATE_REQUEST(
          'You already have an open purchase request for this listing',
          'listingId'
        )
      }
      throw error
    }
    if (autoApprove) await this.#options.dispatch(id, priority)
    return { request: (await findRequest(db.connection(), id))!, replayed: false }
  }

  /**
   * One transaction under the user's row lock: the budget (so two requests
   * cannot both fit the last of a cap), the row, its audit entry, and its
   * submission and auto-approval.
   */
  #store(
    actor: User,
    input: CreateInput,
    order: {
      listing: ListingContext
      rule: Record<string, any> | null
      idempotencyKey: string
      unitMinor: number
      maxPriceMinor: number
      priority: number
      autoApprove: boolean
      now: Date
    }
  ): Promise<number> {
    const { listing, rule, now } = order
    return db.transaction(async (trx) => {
      await lockRows(trx, trx.from('users').where('id', actor.id).select('id')).first()
      const overBudget = await budgetRefusal(trx, actor, {
        eventId: listing.eventId,
        currency: listing.currency,
        amountMinor: input.quantity * order.maxPriceMinor,
        excludeRequestId: null,
        now,
      })
      if (overBudget) refuse(overBudget)
      const requestId = await insertReturningId(trx, 'purchase_requests', {
        user_id: actor.id,
        watch_rule_id: rule ? Number(rule.id) : null,
        alert_id: input.alertId ?? null,
        event_id: listing.eventId,
        listing_id: listing.id,
        platform_id: listing.platformId,
        account_id: null,
        quantity: input.quantity,
        max_price_minor: order.maxPriceMinor,
        currency: listing.currency,
        status: 'draft',
        idempotency_key: order.idempotencyKey,
        request_fingerprint: fingerprint(input),
        attempts: 0,
        expires_at: dbTime(trx, new Date(now.getTime() + this.#options.requestTtlMs)),
        created_at: dbTime(trx, now),
        updated_at: dbTime(trx, now),
        active_key: `${actor.id}:${listing.id}`,
        listing_ref: listing.externalId,
        quoted_unit_minor: order.unitMinor,
        priority: order.priority,
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
            maxPriceMinor: order.maxPriceMinor,
            quotedUnitMinor: order.unitMinor,
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
      if (order.autoApprove) {
        await moveRequest(trx, {
          id: requestId,
          from: 'pending_approval',
          to: 'approved',
          actorId: null,
          action: 'purchase.auto_approved',
          reason: `rule #${rule!.id} has auto_purchase on and the order fits its cap of ${rule!.max_price_minor} per ticket`,
          patch: { approved_at: dbTime(trx, now) },
          now,
        })
      }
      return requestId
    })
  }
}
