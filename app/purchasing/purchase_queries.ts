/**
 * Reading purchase requests: one request as its owner (or a manager) sees
 * it, and the lists. Another user's request is not found, as a missing one
 * is (never a 403 that tells it exists).
 */
import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { apiErrors } from '#exceptions/catalogue'
import { findRequest, normaliseRequest, type RequestRow } from '#purchasing/requests'
import { isPurchaseState, type PurchaseState } from '#purchasing/state_machine'
import { dbTime } from '#purchasing/sql'

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

/** The request, when `actor` may see it: their own, or any for a manager or an admin. */
export async function visibleRequest(actor: User, id: number): Promise<RequestRow> {
  const request = await findRequest(db.connection(), id)
  if (!request || (request.user_id !== actor.id && !actor.hasRoleAtLeast('manager')))
    throw new apiErrors.E_NOT_FOUND('No such purchase request')
  return request
}

/** One request with its platform, order, audit trail and attempts. */
export async function showRequest(actor: User, id: number) {
  const request = await visibleRequest(actor, id)
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
export function scopedRequests(actor: User, scope: 'mine' | 'awaiting' | 'all' = 'mine') {
  const manager = actor.hasRoleAtLeast('manager')
  if (scope === 'all' && !manager)
    throw new apiErrors.E_FORBIDDEN("Only managers and admins see everyone's requests", 'scope')
  const query = db
    .from('purchase_requests as r')
    .join('platforms as p', 'p.id', 'r.platform_id')
    .select('r.*', 'p.slug as platform_slug')
  if (scope === 'mine' || (scope === 'awaiting' && !manager)) query.where('r.user_id', actor.id)
  if (scope === 'awaiting') query.where('r.status', 'pending_approval')
  return query
}

/** A page of the requests `actor` may see, newest first, with the total. */
export async function listRequests(actor: User, filters: ListFilters = {}) {
  const perPage = Math.min(100, Math.max(1, Math.trunc(filters.perPage ?? 25)))
  const page = Math.max(1, Math.trunc(filters.page ?? 1))
  const query = scopedRequests(actor, filters.scope ?? 'mine')
  if (filters.status) {
    if (!isPurchaseState(filters.status))
      throw new apiErrors.E_VALIDATION('Unknown status', 'status')
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
