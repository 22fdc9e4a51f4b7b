/**
 * The rule engine's inputs from stored rows: a watch rule as a RuleSpec, a
 * listing row (joined with its platform's slug) as a ListingView. Used by the
 * alert path (alert_service.ts) and the rule preview (watch_rule_service.ts).
 */
import type WatchRule from '#models/watch_rule'
import type { ListingView, RuleSpec } from '#alerts/rule_engine'

export function toSpec(rule: WatchRule): RuleSpec {
  return {
    id: rule.id,
    userId: rule.userId,
    eventId: rule.eventId,
    filters: rule.filters ?? {},
    maxPriceMinor: rule.maxPriceMinor,
    currency: rule.currency,
    includeFees: rule.includeFees,
    minQuantity: rule.minQuantity,
    sections: rule.sections ?? [],
    triggers: (rule.triggers ?? []) as RuleSpec['triggers'],
    hysteresisMinor: rule.hysteresisMinor,
    cooldownSeconds: rule.cooldownSeconds,
  }
}

/** A `listings` row, with `platform` (or `platform_slug`) joined in. */
export function listingView(row: Record<string, any>): ListingView {
  return {
    id: row.id,
    platform: row.platform ?? row.platform_slug ?? '',
    section: row.section,
    row: row.row,
    quantity: row.quantity,
    splits: typeof row.splits === 'string' ? JSON.parse(row.splits) : row.splits,
    priceMinor: row.price_minor,
    priceWithFeesMinor: row.price_with_fees_minor,
    deliveryFeeMinor: row.delivery_fee_minor ?? null,
    currency: row.currency,
    status: row.status,
  }
}
