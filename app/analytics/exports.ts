/**
 * CSV exports, streamed: rows are read 1,000 at a time (keyset on id) and
 * written as they come, so an export of any size holds one page in memory.
 */
import db from '@adonisjs/lucid/services/db'
import { isoTime } from '#purchasing/sql'
import { csvLines, decimal } from '#analytics/csv'

const PAGE = 1000
const iso = isoTime

async function* pages(build: (afterId: number) => Promise<any[]>) {
  let after = 0
  while (true) {
    const rows = await build(after)
    if (!rows.length) return
    yield rows
    if (rows.length < PAGE) return
    after = Number(rows[rows.length - 1].id)
  }
}

/** Every recorded change of an event's listings, oldest first. */
export function priceHistoryCsv(eventId: number) {
  return csvLines(
    [
      'observed_at',
      'platform',
      'listing_id',
      'section',
      'row',
      'change',
      'old_price',
      'new_price',
      'currency',
      'old_quantity',
      'new_quantity',
    ],
    pages((after) =>
      db
        .from('listing_changes')
        .join('listings', 'listings.id', 'listing_changes.listing_id')
        .join('event_sources', 'event_sources.id', 'listing_changes.event_source_id')
        .join('platforms', 'platforms.id', 'event_sources.platform_id')
        .where('listing_changes.event_id', eventId)
        .where('listing_changes.id', '>', after)
        .orderBy('listing_changes.id')
        .limit(PAGE)
        .select(
          'listing_changes.*',
          'listings.section',
          'listings.row',
          'platforms.slug as platform'
        )
    ),
    (row) => [
      iso(row.observed_at),
      row.platform,
      row.listing_id,
      row.section,
      row.row,
      row.kind,
      decimal(row.old_price_minor),
      decimal(row.new_price_minor),
      row.currency,
      row.old_quantity,
      row.new_quantity,
    ]
  )
}

/** A user's alerts, oldest first. */
export function alertsCsv(userId: number) {
  return csvLines(
    [
      'id',
      'detected_at',
      'event',
      'rule',
      'type',
      'condition',
      'price',
      'currency',
      'reason',
      'acknowledged_at',
    ],
    pages((after) =>
      db
        .from('alerts')
        .leftJoin('events', 'events.id', 'alerts.event_id')
        .leftJoin('watch_rules', 'watch_rules.id', 'alerts.watch_rule_id')
        .where('alerts.user_id', userId)
        .where('alerts.id', '>', after)
        .orderBy('alerts.id')
        .limit(PAGE)
        .select('alerts.*', 'events.name as event_name', 'watch_rules.name as rule_name')
    ),
    (row) => {
      const reason = typeof row.reason === 'string' ? safeJson(row.reason) : row.reason
      return [
        row.id,
        iso(row.detected_at),
        row.event_name,
        row.rule_name,
        row.type,
        row.condition,
        decimal(row.price_minor),
        row.currency,
        reason?.text ?? '',
        iso(row.acknowledged_at),
      ]
    }
  )
}

/** A user's purchase requests with their order, if any, oldest first. */
export function purchasesCsv(userId: number) {
  return csvLines(
    [
      'request_id',
      'created_at',
      'event',
      'platform',
      'status',
      'quantity',
      'max_price',
      'currency',
      'order_status',
      'order_total',
      'placed_at',
      'external_order_id',
    ],
    pages((after) =>
      db
        .from('purchase_requests')
        .join('events', 'events.id', 'purchase_requests.event_id')
        .join('platforms', 'platforms.id', 'purchase_requests.platform_id')
        .leftJoin('orders', 'orders.purchase_request_id', 'purchase_requests.id')
        .where('purchase_requests.user_id', userId)
        .where('purchase_requests.id', '>', after)
        .orderBy('purchase_requests.id')
        .limit(PAGE)
        .select(
          'purchase_requests.id',
          'purchase_requests.created_at',
          'purchase_requests.status',
          'purchase_requests.quantity',
          'purchase_requests.max_price_minor',
          'purchase_requests.currency',
          'events.name as event_name',
          'platforms.name as platform',
          'orders.status as order_status',
          'orders.total_minor',
          'orders.placed_at',
          'orders.external_order_id'
        )
    ),
    (row) => [
      row.id,
      iso(row.created_at),
      row.event_name,
      row.platform,
      row.status,
      row.quantity,
      decimal(row.max_price_minor),
      row.currency,
      row.order_status,
      decimal(row.total_minor),
      iso(row.placed_at),
      row.external_order_id,
    ]
  )
}

function safeJson(text: string) {
  try {
    return JSON.parse(text)
  } catch {
    return { text }
  }
}
