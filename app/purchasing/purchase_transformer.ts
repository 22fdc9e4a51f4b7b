/**
 * Purchase requests and orders as pages and the API see them: whitelisted
 * fields, camelCase, money in minor units + currency, dates ISO 8601 UTC.
 * Never a credential, a claim token or a card number (none is stored).
 */
import type Order from '#models/order'
import type { RequestRow } from '#purchasing/requests'
import { isoTime } from '#purchasing/sql'

const iso = isoTime

export function purchaseRequestToJSON(row: RequestRow & { platform_slug?: string }) {
  return {
    id: row.id,
    status: row.status,
    userId: row.user_id,
    eventId: row.event_id,
    listingId: row.listing_id,
    listingRef: row.listing_ref,
    platformId: row.platform_id,
    platform: row.platform_slug ?? null,
    accountId: row.account_id,
    ruleId: row.watch_rule_id,
    alertId: row.alert_id === null ? null : Number(row.alert_id),
    quantity: row.quantity,
    maxPrice: { amountMinor: row.max_price_minor, currency: row.currency },
    quotedUnitPrice:
      row.quoted_unit_minor === null
        ? null
        : { amountMinor: row.quoted_unit_minor, currency: row.currency },
    idempotencyKey: row.idempotency_key,
    priority: row.priority,
    attempts: row.attempts,
    approvedBy: row.approved_by,
    approvedAt: iso(row.approved_at),
    reason: row.reason,
    failureCode: row.failure_code,
    expiresAt: iso(row.expires_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  }
}

type OrderLike = Order | Record<string, any>

export function orderToJSON(order: OrderLike) {
  const o: any = order
  const get = (camel: string, snake: string) => (o[camel] !== undefined ? o[camel] : o[snake])
  const placedAt = get('placedAt', 'placed_at')
  return {
    id: Number(o.id),
    purchaseRequestId: get('purchaseRequestId', 'purchase_request_id') ?? null,
    eventId: get('eventId', 'event_id') ?? null,
    platformId: Number(get('platformId', 'platform_id')),
    externalOrderId: get('externalOrderId', 'external_order_id') ?? null,
    status: o.status,
    source: o.source,
    quantity: Number(o.quantity),
    unitPrice: {
      amountMinor: Number(get('unitPriceMinor', 'unit_price_minor')),
      currency: o.currency,
    },
    fees: { amountMinor: Number(get('feesMinor', 'fees_minor')), currency: o.currency },
    total: { amountMinor: Number(get('totalMinor', 'total_minor')), currency: o.currency },
    paymentReference: get('paymentReference', 'payment_reference') ?? null,
    placedAt:
      placedAt && typeof placedAt.toUTC === 'function' ? placedAt.toUTC().toISO() : iso(placedAt),
  }
}

export function auditToJSON(row: Record<string, any>) {
  return {
    id: Number(row.id),
    actorId: row.actor_id === null ? null : Number(row.actor_id),
    action: row.action,
    from: row.from_state,
    to: row.to_state,
    reason: row.reason,
    at: iso(row.created_at),
  }
}
