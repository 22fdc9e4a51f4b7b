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
  priceLabel,
  priorityFromImportance,
  type NotificationMessage,
} from '#notifications/message'
import {
  createNotifications,
  type CreatedNotification,
  type NotifyInput,
} from '#notifications/create_notifications'
import { fromDbTime } from '#purchasing/sql'
import type { Match } from '#alerts/rule_engine'

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

/**
 * Matches a rule's hourly cap held back (folded into its latest alert): one
 * low-priority notification per rule, for the user's next digest only
 * ("4 more matches held back by the hourly limit — best $41, …"), so a
 * capped rule stops interrupting but nothing it found goes unsaid.
 */
export async function notifyHeldBack(matches: Match[], now: Date): Promise<CreatedNotification[]> {
  if (matches.length === 0) return []
  const byRule = new Map<number, Match[]>()
  for (const match of matches)
    byRule.set(match.ruleId, [...(byRule.get(match.ruleId) ?? []), match])
  const bestOf = [...byRule.values()].map((list) =>
    list.reduce((best, match) =>
      match.priceMinor !== null && (best.priceMinor === null || match.priceMinor < best.priceMinor)
        ? match
        : best
    )
  )
  const [rules, events, listings] = await Promise.all([
    db
      .from('watch_rules')
      .whereIn('id', [...byRule.keys()])
      .select('id', 'name', 'max_alerts_per_hour', 'channels'),
    db
      .from('events')
      .whereIn('id', [...new Set(bestOf.map((match) => match.eventId))])
      .select('id', 'name', 'starts_at', 'venue', 'timezone'),
    db
      .from('listings')
      .leftJoin('event_sources', 'event_sources.id', 'listings.event_source_id')
      .leftJoin('platforms', 'platforms.id', 'event_sources.platform_id')
      .whereIn(
        'listings.id',
        bestOf.map((match) => match.listingId).filter((id): id is number => id !== null)
      )
      .select(
        'listings.id',
        'listings.section',
        'listings.row',
        'listings.quantity',
        'platforms.slug as platform'
      ),
  ])
  const ruleById = new Map(rules.map((row: any) => [Number(row.id), row]))
  const eventById = new Map(events.map((row: any) => [Number(row.id), row]))
  const listingById = new Map(listings.map((row: any) => [Number(row.id), row]))
  const inputs: NotifyInput[] = []
  for (const best of bestOf) {
    const rule = ruleById.get(best.ruleId)
    if (!rule) continue
    const held = byRule.get(best.ruleId)!
    const event = eventById.get(best.eventId)
    const listing = best.listingId === null ? undefined : listingById.get(best.listingId)
    const message = buildTicketAvailable(
      {
        alertId: 0,
        eventId: best.eventId,
        eventName: event?.name ?? 'an event',
        eventStartsAt: fromDbTime(event?.starts_at)?.toISOString() ?? null,
        venue: event?.venue ?? null,
        eventTimeZone: event?.timezone ?? null,
        listingId: best.listingId,
        platform: listing?.platform ?? null,
        section: listing?.section ?? null,
        row: listing?.row ?? null,
        quantity: listing?.quantity ?? null,
        priceMinor: best.priceMinor,
        currency: best.currency,
        purchaseRequestId: null,
      },
      { appUrl: hdtickets.url, now, priority: 'low', path: `/alerts?ruleId=${best.ruleId}` }
    )
    const eventCount = new Set(held.map((match) => match.eventId)).size
    const price = priceLabel(best.priceMinor, best.currency)
    message.title = `${held.length} more ${held.length === 1 ? 'match' : 'matches'} held back: ${rule.name}`
    message.body = [
      `Over the rule's limit of ${Number(rule.max_alerts_per_hour)} alerts an hour`,
      `${held.length === 1 ? 'one listing' : `${held.length} listings`} on ${eventCount === 1 ? 'one event' : `${eventCount} events`}`,
      price
        ? `best ${price}, ${event?.name ?? 'an event'}${listing?.section ? `, section ${listing.section}` : ''}`
        : null,
    ]
      .filter(Boolean)
      .join(' · ')
    inputs.push({
      userId: held[0].userId,
      message,
      ruleChannels: rule.channels ? parse(rule.channels) : null,
      digestOnly: true,
    })
  }
  return createNotifications(inputs, { now })
}
