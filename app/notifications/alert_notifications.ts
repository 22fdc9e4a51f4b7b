/**
 * Alerts → notifications. Called from the alert outbox path (after the
 * alerts of a check are stored, before the outbox row is removed) and by the
 * sweep for alerts whose worker died in between: `alerts.notified_at` is set
 * in the same transaction that stores the notification, and one notification
 * per alert is unique, so nothing is lost and nothing is sent twice.
 */
import db from '@adonisjs/lucid/services/db'
import { hdtickets } from '#config/app'
import {
  buildPriceAlert,
  buildSystemAlert,
  buildTicketAvailable,
  priorityFromImportance,
  type NotificationMessage,
} from '#notifications/message'
import {
  createNotifications,
  type CreatedNotification,
  type NotifyInput,
} from '#notifications/notification_service'
import { fromDbTime } from '#purchasing/sql'

const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value)

function messageFor(row: any, now: Date): NotificationMessage {
  const reason = (parse(row.reason) ?? {}) as Record<string, unknown>
  const options = {
    appUrl: hdtickets.url,
    now,
    ...(row.importance !== null && row.importance !== undefined && row.type !== 'system_alert'
      ? { priority: priorityFromImportance(Number(row.importance)) }
      : {}),
  }
  if (row.type === 'system_alert') {
    return buildSystemAlert(
      {
        component: row.event_name
          ? `event ${row.event_name}`
          : String(reason.source ?? row.condition),
        detail: String(reason.text ?? row.condition),
      },
      { ...options, path: row.event_id ? `/events/${row.event_id}` : '/admin/sources' }
    )
  }
  const facts = {
    alertId: Number(row.id),
    eventId: Number(row.event_id ?? 0),
    eventName: row.event_name ?? 'an event',
    eventStartsAt: fromDbTime(row.starts_at)?.toISOString() ?? null,
    venue: row.venue ?? null,
    eventTimeZone: row.event_timezone ?? null,
    listingId: row.listing_id ?? null,
    platform: row.platform ?? null,
    section: row.section ?? null,
    row: row.listing_row ?? null,
    quantity: row.quantity ?? null,
    priceMinor: row.price_minor ?? null,
    currency: row.currency ?? null,
    purchaseRequestId: row.purchase_request_id ? Number(row.purchase_request_id) : null,
  }
  if (row.type === 'price_alert') {
    return buildPriceAlert(
      {
        ...facts,
        previousPriceMinor:
          typeof reason.previousPriceMinor === 'number' ? reason.previousPriceMinor : null,
        thresholdMinor: row.max_price_minor ?? null,
      },
      options
    )
  }
  return buildTicketAvailable(facts, options)
}

/** The notification inputs of some alerts (one query for all). */
export async function alertInputs(where: (query: any) => void, now: Date): Promise<NotifyInput[]> {
  const query = db
    .from('alerts')
    .leftJoin('events', 'events.id', 'alerts.event_id')
    .leftJoin('watch_rules', 'watch_rules.id', 'alerts.watch_rule_id')
    .leftJoin('listings', 'listings.id', 'alerts.listing_id')
    .leftJoin('event_sources', 'event_sources.id', 'listings.event_source_id')
    .leftJoin('platforms', 'platforms.id', 'event_sources.platform_id')
    .leftJoin('purchase_requests', 'purchase_requests.alert_id', 'alerts.id')
    .select(
      'alerts.*',
      'events.name as event_name',
      'events.starts_at',
      'events.venue',
      'events.timezone as event_timezone',
      'watch_rules.importance',
      'watch_rules.channels as rule_channels',
      'watch_rules.max_price_minor',
      'listings.section',
      'listings.row as listing_row',
      'listings.quantity',
      'platforms.slug as platform',
      'purchase_requests.id as purchase_request_id'
    )
  where(query)
  const rows = await query
  const seen = new Set<number>()
  const inputs: NotifyInput[] = []
  for (const row of rows) {
    if (seen.has(Number(row.id))) continue
    seen.add(Number(row.id))
    inputs.push({
      userId: row.user_id,
      alertId: Number(row.id),
      message: messageFor(row, now),
      ruleChannels: row.rule_channels ? parse(row.rule_channels) : null,
    })
  }
  return inputs
}

/**
 * Notifies the given alerts that have no notification yet. `inline`: this
 * process (a worker) also starts sending at once, beside the queued job.
 */
export async function notifyAlerts(
  alertIds: number[],
  now = new Date(),
  options: { inline?: boolean } = {}
): Promise<CreatedNotification[]> {
  if (alertIds.length === 0) return []
  const created: CreatedNotification[] = []
  for (let index = 0; index < alertIds.length; index += 500) {
    const batch = alertIds.slice(index, index + 500)
    const inputs = await alertInputs(
      (query) => query.whereIn('alerts.id', batch).whereNull('alerts.notified_at'),
      now
    )
    created.push(...(await createNotifications(inputs, { now, inline: options.inline })))
  }
  return created
}

/** The sweep: alerts stored before `olderThan` whose notification was never created. */
export async function notifyPendingAlerts(options: {
  olderThan: Date
  now?: Date
}): Promise<number> {
  const ids = (
    await db
      .from('alerts')
      .whereNull('notified_at')
      .where('created_at', '<', options.olderThan)
      .orderBy('id')
      .limit(1000)
      .select('id')
  ).map((row) => Number(row.id))
  return (await notifyAlerts(ids, options.now)).length
}
