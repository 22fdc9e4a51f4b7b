import { isoTime } from '#purchasing/sql'
const iso = isoTime

/** An alert as pages and the API see it (never its internal de-dupe key). */
export default class AlertTransformer {
  static row(row: any) {
    return {
      id: Number(row.id),
      type: row.type,
      condition: row.condition,
      ruleId: row.watch_rule_id,
      ruleName: row.rule_name ?? null,
      eventId: row.event_id,
      eventName: row.event_name ?? null,
      listingId: row.listing_id,
      price:
        row.price_minor === null ? null : { amountMinor: row.price_minor, currency: row.currency },
      reason: typeof row.reason === 'string' ? JSON.parse(row.reason) : row.reason,
      detectedAt: iso(row.detected_at),
      createdAt: iso(row.created_at),
      acknowledgedAt: iso(row.acknowledged_at),
      snoozedUntil: iso(row.snoozed_until),
    }
  }
}
