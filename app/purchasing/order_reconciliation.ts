/**
 * Orders placed through an order API start `pending` on the platform (Ticket
 * Evolution: the seller has yet to accept). Reconciliation reads each open
 * order back by its idempotency key until the platform gives its final
 * word, records it, and tells the user: "confirmed" (accepted, completed) or
 * "refused" (rejected, cancelled). Run every minute by the scheduler; safe
 * to run from any number of workers (a conditional update records each
 * change once, and only that run tells the user).
 */
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import type { Credential } from '#connectors/contract'
import { connectorRuntime } from '#connectors/runtime'
import { decryptSecret } from '#security/secrets'
import { recordAudit } from '#services/audit_log'
import { announcePurchase } from '#purchasing/purchase_events'
import { affectedRows } from '#purchasing/sql'
import {
  CONFIRMED_ORDER_STATES,
  REFUSED_ORDER_STATES,
  orderVerdict,
} from '#purchasing/order_states'

export interface ReconcileResult {
  checked: number
  confirmed: number
  refused: number
  unchanged: number
  failed: number
}

export async function reconcileOpenOrders(limit = 100): Promise<ReconcileResult> {
  const result: ReconcileResult = { checked: 0, confirmed: 0, refused: 0, unchanged: 0, failed: 0 }
  const open = await db
    .from('orders as o')
    .join('platforms as p', 'p.id', 'o.platform_id')
    .join('accounts as a', 'a.id', 'o.account_id')
    .where('o.source', 'api')
    .whereNotIn('o.status', [...CONFIRMED_ORDER_STATES, ...REFUSED_ORDER_STATES])
    .orderBy('o.id', 'asc')
    .limit(limit)
    .select(
      'o.id',
      'o.status',
      'o.idempotency_key',
      'o.purchase_request_id',
      'o.user_id',
      'o.event_id',
      'o.external_order_id',
      'o.quantity',
      'o.total_minor',
      'o.currency',
      'p.slug as platform_slug',
      'p.name as platform_name',
      'a.encrypted_credentials'
    )
  if (open.length === 0) return result
  const runtime = await connectorRuntime()
  for (const order of open) {
    result.checked++
    try {
      const connector = runtime.connector(order.platform_slug)
      if (!connector.findOrder) {
        result.unchanged++
        continue
      }
      const credential = decryptSecret<Credential>(
        order.encrypted_credentials,
        'account.credentials'
      )
      const found = await connector.findOrder(order.idempotency_key, {
        credential,
        sourceKey: `${order.platform_slug}:orders`,
      })
      if (!found || found.status === order.status) {
        result.unchanged++
        continue
      }
      const verdict = orderVerdict(found.status)
      const changed = affectedRows(
        await db
          .from('orders')
          .where({ id: order.id, status: order.status })
          .update({ status: found.status.slice(0, 20) })
      )
      if (changed !== 1) {
        result.unchanged++
        continue
      }
      await recordAudit({
        actorId: null,
        action: `order.${verdict === 'open' ? 'updated' : verdict}`,
        subjectType: 'purchase_request',
        subjectId: Number(order.purchase_request_id),
        fromState: null,
        toState: null,
        reason: `the platform's order ${order.external_order_id ?? ''} is now ${found.status}`,
        meta: { orderId: Number(order.id), from: order.status, to: found.status },
        ip: null,
      })
      if (verdict === 'open') {
        result.unchanged++
        continue
      }
      if (verdict === 'confirmed') {
        result.confirmed++
        await announcePurchase('purchase:succeeded', {
          requestId: Number(order.purchase_request_id),
          userId: Number(order.user_id),
          orderId: Number(order.id),
          platform: order.platform_name ?? order.platform_slug,
          externalOrderId: order.external_order_id,
          quantity: Number(order.quantity),
          totalMinor: Number(order.total_minor),
          currency: order.currency,
          reconciled: true,
          orderStatus: found.status,
        })
      } else {
        result.refused++
        await announcePurchase('purchase:failed', {
          requestId: Number(order.purchase_request_id),
          userId: Number(order.user_id),
          platform: order.platform_name ?? order.platform_slug,
          code: 'order_refused',
          reason: `The platform ${found.status} order ${order.external_order_id ?? ''}: nothing is charged for it`,
        })
      }
    } catch (error) {
      result.failed++
      logger.warn(
        { err: error, orderId: order.id },
        'order reconciliation failed; tried again later'
      )
    }
  }
  return result
}
