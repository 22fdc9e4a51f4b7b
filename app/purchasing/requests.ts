/**
 * purchase_requests rows as the purchasing module reads and moves them. All
 * status changes go through `moveRequest`: the state machine says whether
 * the move is legal, a conditional UPDATE (`WHERE status = <from>`) makes it
 * atomic against any other process, and the audit entry is written in the
 * same transaction.
 */
import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import { recordAudit } from '#services/audit_log'
import {
  IllegalTransition,
  isTerminal,
  transition,
  type PurchaseState,
} from '#purchasing/state_machine'
import { affectedRows, dbTime } from '#purchasing/sql'
import { announcePurchasesChanged } from '#monitoring/dashboard_cache'

export interface RequestRow {
  id: number
  user_id: number
  watch_rule_id: number | null
  alert_id: number | null
  event_id: number
  listing_id: number | null
  platform_id: number
  account_id: number | null
  quantity: number
  max_price_minor: number
  currency: string
  status: PurchaseState
  idempotency_key: string
  approved_by: number | null
  approved_at: unknown
  reason: string | null
  attempts: number
  expires_at: unknown
  created_at: unknown
  updated_at: unknown
  active_key: string | null
  listing_ref: string | null
  quoted_unit_minor: number | null
  priority: number
  lease_until: unknown
  claim_token: string | null
  offer_platform_id: number | null
  offer_event_ref: string | null
  offer_listing_ref: string | null
  failure_code: string | null
}

function normalise(row: any): RequestRow {
  for (const key of [
    'id',
    'user_id',
    'event_id',
    'platform_id',
    'quantity',
    'max_price_minor',
    'attempts',
    'priority',
  ] as const) {
    row[key] = Number(row[key])
  }
  for (const key of [
    'watch_rule_id',
    'alert_id',
    'listing_id',
    'account_id',
    'approved_by',
    'quoted_unit_minor',
    'offer_platform_id',
  ] as const) {
    row[key] = row[key] === null || row[key] === undefined ? null : Number(row[key])
  }
  return row as RequestRow
}

export async function findRequest(
  client: QueryClientContract,
  id: number
): Promise<RequestRow | null> {
  if (!Number.isSafeInteger(id) || id < 1) return null
  const row = await client.from('purchase_requests').where('id', id).first()
  return row ? normalise(row) : null
}

export function normaliseRequest(row: any): RequestRow {
  return normalise(row)
}

export interface Move {
  id: number
  from: PurchaseState
  to: PurchaseState
  actorId: number | null
  /** audit action, e.g. purchase.approved */
  action: string
  reason?: string | null
  meta?: Record<string, unknown> | null
  ip?: string | null
  /** Further columns to set with the status */
  patch?: Record<string, unknown>
  /** Extra conditions (e.g. the executor's claim token) */
  where?: Record<string, unknown>
  now: Date
}

/**
 * Moves one request from `from` to `to`, or throws `IllegalTransition` (the
 * move is not allowed, or another process moved the request first).
 */
export async function moveRequest(trx: TransactionClientContract, move: Move): Promise<void> {
  transition(move.from, move.to)
  const patch: Record<string, unknown> = {
    ...move.patch,
    status: move.to,
    updated_at: dbTime(trx, move.now),
  }
  if (isTerminal(move.to)) {
    patch.active_key = null
    patch.lease_until = null
  }
  const query = trx.from('purchase_requests').where('id', move.id).where('status', move.from)
  if (move.where) query.where(move.where)
  const changed = affectedRows(await query.update(patch))
  if (changed !== 1) {
    const current = await trx
      .from('purchase_requests')
      .where('id', move.id)
      .select('status')
      .first()
    throw new IllegalTransition(current?.status ?? 'missing', move.to)
  }
  /** Open dashboards list the pending requests (app/monitoring/dashboard_cache.ts) */
  trx.after('commit', announcePurchasesChanged)
  await recordAudit(
    {
      actorId: move.actorId,
      action: move.action,
      subjectType: 'purchase_request',
      subjectId: move.id,
      fromState: move.from,
      toState: move.to,
      reason: move.reason?.slice(0, 500) ?? null,
      meta: move.meta ?? null,
      ip: move.ip ?? null,
    },
    trx
  )
}
