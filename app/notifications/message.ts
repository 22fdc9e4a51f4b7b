import type { NotificationType } from '#models/notification'
import { formatDateTime, formatMoney, plural, truncate } from '#notifications/format'

/**
 * The one shape every channel renders: a typed notification message. Built by
 * the per-type builders below from plain data (ids, names, integer minor
 * units + currency), never from models, so alerts, purchasing and the system
 * monitor can all build one and the channel drivers stay pure renderers.
 */
export type { NotificationType }

export const NOTIFICATION_TYPES = [
  'ticket_available',
  'price_alert',
  'purchase_success',
  'purchase_failed',
  'account_issue',
  'system_alert',
] as const satisfies readonly NotificationType[]

export const PRIORITIES = ['low', 'normal', 'high'] as const
export type Priority = (typeof PRIORITIES)[number]

/** What a listing looks like in a message. Prices are per ticket, integer minor units. */
export interface ListingFacts {
  listingId?: number | string | null
  platform?: string | null
  section?: string | null
  row?: string | null
  quantity?: number | null
  priceMinor?: number | null
  currency?: string | null
}

export interface EventFacts {
  eventId: number
  eventName: string
  /** ISO 8601 UTC */
  eventStartsAt?: string | null
  venue?: string | null
  /** The event's IANA time zone, for showing its start time */
  eventTimeZone?: string | null
}

export interface NotificationDataMap {
  ticket_available: EventFacts &
    ListingFacts & {
      alertId?: number | null
      /** Set when the rule opened a purchase request: web push offers "approve" */
      purchaseRequestId?: number | null
    }
  price_alert: EventFacts &
    ListingFacts & {
      alertId?: number | null
      purchaseRequestId?: number | null
      previousPriceMinor?: number | null
      /** The rule's limit, same currency */
      thresholdMinor?: number | null
    }
  purchase_success: Partial<EventFacts> & {
    eventName: string
    purchaseRequestId: number
    orderId: string
    platform: string
    section?: string | null
    row?: string | null
    quantity: number
    totalMinor: number
    currency: string
    /** The platform's state of the order; `pending`/`open`: placed, not yet accepted */
    orderStatus?: string | null
  }
  purchase_failed: Partial<EventFacts> & {
    eventName: string
    purchaseRequestId: number
    platform?: string | null
    /** Why, in words a user can act on */
    reason: string
    quantity?: number | null
    totalMinor?: number | null
    currency?: string | null
  }
  account_issue: {
    platform: string
    accountId?: number | null
    issue: string
    /** What the user should do, e.g. "Re-enter your API token" */
    action?: string | null
  }
  system_alert: {
    /** What is affected: "source ticketmaster", "queue", "webhook endpoint 12" */
    component: string
    detail: string
    /** Deep-link path override, e.g. "/admin/sources" */
    path?: string | null
  }
}

export interface DigestItem {
  type: NotificationType
  title: string
  body: string
  link: string
  createdAt: string
}

export interface NotificationMessage<T extends NotificationType = NotificationType> {
  type: T
  title: string
  body: string
  /** Absolute deep link into HDTickets (APP_URL + path) */
  link: string
  priority: Priority
  /** ISO 8601 UTC, when the notification was created (stable across retries) */
  createdAt: string
  /** The stored notification's id, once there is one */
  notificationId: string | null
  data: NotificationDataMap[T]
  /** Set on a digest: the messages it batches (see digests.ts, buildDigest) */
  digest?: DigestItem[]
}

export type AnyNotificationMessage = {
  [T in NotificationType]: NotificationMessage<T>
}[NotificationType]

export interface BuildOptions {
  /** APP_URL (config hdtickets.url) */
  appUrl: string
  now: Date
  /** Defaults per type: see DEFAULT_PRIORITY */
  priority?: Priority
  notificationId?: string | number | null
  /** Deep-link path override (must start with "/") */
  path?: string
}

export const DEFAULT_PRIORITY: Record<NotificationType, Priority> = {
  ticket_available: 'high',
  price_alert: 'normal',
  purchase_success: 'normal',
  purchase_failed: 'high',
  account_issue: 'normal',
  system_alert: 'high',
}

/** Watch-rule importance (1–5) → message priority. */
export function priorityFromImportance(importance: number): Priority {
  if (importance >= 4) return 'high'
  if (importance <= 1) return 'low'
  return 'normal'
}

/** APP_URL + path, keeping a base path in APP_URL ("https://x.example/hd" + "/events/3"). */
export function deepLink(appUrl: string, path: string): string {
  if (!path.startsWith('/')) throw new Error(`deep-link path must start with "/": ${path}`)
  const base = new URL(appUrl)
  const basePath = base.pathname.replace(/\/+$/, '')
  return new URL(`${basePath}${path}`, base.origin).toString()
}

function make<T extends NotificationType>(
  type: T,
  data: NotificationDataMap[T],
  content: { title: string; body: string; path: string },
  options: BuildOptions
): NotificationMessage<T> {
  if (Number.isNaN(options.now.getTime())) throw new Error('invalid `now`')
  return {
    type,
    title: truncate(content.title, 200),
    body: content.body,
    link: deepLink(options.appUrl, options.path ?? content.path),
    priority: options.priority ?? DEFAULT_PRIORITY[type],
    createdAt: options.now.toISOString(),
    notificationId:
      options.notificationId === undefined || options.notificationId === null
        ? null
        : String(options.notificationId),
    data,
  }
}

/** "Section 112, row F" / "Section 112" / null */
export function seatLabel(facts: { section?: string | null; row?: string | null }): string | null {
  if (!facts.section) return facts.row ? `Row ${facts.row}` : null
  return facts.row ? `Section ${facts.section}, row ${facts.row}` : `Section ${facts.section}`
}

export function priceLabel(
  minor: number | null | undefined,
  currency: string | null | undefined
): string | null {
  if (minor === null || minor === undefined || !currency) return null
  return formatMoney(minor, currency)
}

function eventPath(data: { eventId?: number | null; listingId?: number | string | null }): string {
  if (!data.eventId) return '/alerts'
  return data.listingId
    ? `/events/${data.eventId}?listing=${encodeURIComponent(String(data.listingId))}`
    : `/events/${data.eventId}`
}

function sentence(parts: Array<string | null | undefined | false>, separator = ' · '): string {
  return parts.filter((part): part is string => Boolean(part)).join(separator)
}

function whenLabel(data: EventFacts | Partial<EventFacts>): string | null {
  return data.eventStartsAt ? formatDateTime(data.eventStartsAt, data.eventTimeZone ?? 'UTC') : null
}

export function buildTicketAvailable(
  data: NotificationDataMap['ticket_available'],
  options: BuildOptions
) {
  const price = priceLabel(data.priceMinor, data.currency)
  const body = sentence([
    data.quantity ? plural(data.quantity, 'ticket') : 'Tickets',
    seatLabel(data),
    price ? `${price} each` : null,
    data.platform ? `on ${data.platform}` : null,
    whenLabel(data),
  ])
  return make(
    'ticket_available',
    data,
    { title: `Tickets available: ${data.eventName}`, body, path: eventPath(data) },
    options
  )
}

export function buildPriceAlert(data: NotificationDataMap['price_alert'], options: BuildOptions) {
  const price = priceLabel(data.priceMinor, data.currency)
  const previous = priceLabel(data.previousPriceMinor, data.currency)
  const threshold = priceLabel(data.thresholdMinor, data.currency)
  const dropped =
    data.previousPriceMinor !== null &&
    data.previousPriceMinor !== undefined &&
    data.priceMinor !== null &&
    data.priceMinor !== undefined
      ? data.priceMinor < data.previousPriceMinor
      : true
  const body = sentence([
    price ? `Now ${price}${previous ? ` (was ${previous})` : ''}` : 'Price changed',
    seatLabel(data),
    data.quantity ? plural(data.quantity, 'ticket') : null,
    threshold ? `your limit ${threshold}` : null,
    data.platform ? `on ${data.platform}` : null,
  ])
  return make(
    'price_alert',
    data,
    {
      title: `${dropped ? 'Price drop' : 'Price change'}: ${data.eventName}`,
      body,
      path: eventPath(data),
    },
    options
  )
}

export function buildPurchaseSuccess(
  data: NotificationDataMap['purchase_success'],
  options: BuildOptions
) {
  const body = sentence([
    plural(data.quantity, 'ticket'),
    seatLabel(data),
    `${formatMoney(data.totalMinor, data.currency)} total`,
    `on ${data.platform}`,
    `order ${data.orderId}`,
  ])
  return make(
    'purchase_success',
    data,
    {
      title: ['pending', 'open'].includes(String(data.orderStatus ?? '').toLowerCase())
        ? `Order placed, awaiting the platform's confirmation: ${data.eventName}`
        : `Purchase confirmed: ${data.eventName}`,
      body,
      path: `/purchases/${data.purchaseRequestId}`,
    },
    options
  )
}

export function buildPurchaseFailed(
  data: NotificationDataMap['purchase_failed'],
  options: BuildOptions
) {
  const total = priceLabel(data.totalMinor, data.currency)
  const body = sentence([
    data.reason,
    data.quantity ? plural(data.quantity, 'ticket') : null,
    total ? `${total} total` : null,
    data.platform ? `on ${data.platform}` : null,
  ])
  return make(
    'purchase_failed',
    data,
    {
      title: `Purchase failed: ${data.eventName}`,
      body,
      path: `/purchases/${data.purchaseRequestId}`,
    },
    options
  )
}

export function buildAccountIssue(
  data: NotificationDataMap['account_issue'],
  options: BuildOptions
) {
  const body = data.action ? `${data.issue}. ${data.action}` : data.issue
  return make(
    'account_issue',
    data,
    { title: `Action needed: your ${data.platform} account`, body, path: '/accounts' },
    options
  )
}

export function buildSystemAlert(data: NotificationDataMap['system_alert'], options: BuildOptions) {
  return make(
    'system_alert',
    data,
    {
      title: `System alert: ${data.component}`,
      body: data.detail,
      path: data.path ?? '/admin/sources',
    },
    options
  )
}

/** One builder per type, for callers holding a type and its data (a job payload). */
export const MESSAGE_BUILDERS: {
  [T in NotificationType]: (
    data: NotificationDataMap[T],
    options: BuildOptions
  ) => NotificationMessage<T>
} = {
  ticket_available: buildTicketAvailable,
  price_alert: buildPriceAlert,
  purchase_success: buildPurchaseSuccess,
  purchase_failed: buildPurchaseFailed,
  account_issue: buildAccountIssue,
  system_alert: buildSystemAlert,
}

export function buildMessage<T extends NotificationType>(
  type: T,
  data: NotificationDataMap[T],
  options: BuildOptions
): NotificationMessage<T> {
  const builder = MESSAGE_BUILDERS[type] as (
    data: NotificationDataMap[T],
    options: BuildOptions
  ) => NotificationMessage<T>
  if (!builder) throw new Error(`unknown notification type: ${type}`)
  return builder(data, options)
}

export function isNotificationType(value: unknown): value is NotificationType {
  return typeof value === 'string' && (NOTIFICATION_TYPES as readonly string[]).includes(value)
}

/**
 * The fields of a message as a label → value list, used by email, Slack and
 * Discord so every channel shows the same facts in the same order.
 */
export function messageFacts(message: NotificationMessage): Array<[label: string, value: string]> {
  if (message.digest?.length) return []
  const facts: Array<[string, string | null | undefined]> = []
  const data = message.data as Record<string, unknown>
  const str = (key: string) =>
    typeof data[key] === 'string' && data[key] !== '' ? (data[key] as string) : null
  const num = (key: string) => (typeof data[key] === 'number' ? (data[key] as number) : null)
  const currency = str('currency')

  if (str('eventName')) facts.push(['Event', str('eventName')])
  if (str('eventStartsAt'))
    facts.push(['When', formatDateTime(str('eventStartsAt')!, str('eventTimeZone') ?? 'UTC')])
  if (str('venue')) facts.push(['Venue', str('venue')])
  if (data.listingId !== undefined && data.listingId !== null)
    facts.push(['Listing', String(data.listingId)])
  if (str('section')) facts.push(['Section', str('section')])
  if (str('row')) facts.push(['Row', str('row')])
  if (num('quantity') !== null) facts.push(['Quantity', String(num('quantity'))])
  if (currency && num('priceMinor') !== null)
    facts.push(['Price', `${formatMoney(num('priceMinor')!, currency)} each`])
  if (currency && num('previousPriceMinor') !== null)
    facts.push(['Previous price', formatMoney(num('previousPriceMinor')!, currency)])
  if (currency && num('thresholdMinor') !== null)
    facts.push(['Your limit', formatMoney(num('thresholdMinor')!, currency)])
  if (currency && num('totalMinor') !== null)
    facts.push(['Total', formatMoney(num('totalMinor')!, currency)])
  if (str('platform')) facts.push(['Platform', str('platform')])
  if (str('orderId')) facts.push(['Order', str('orderId')])
  if (str('reason')) facts.push(['Reason', str('reason')])
  if (str('issue')) facts.push(['Issue', str('issue')])
  if (str('action')) facts.push(['What to do', str('action')])
  if (str('component')) facts.push(['Component', str('component')])
  if (str('detail')) facts.push(['Detail', str('detail')])
  return facts.filter((fact): fact is [string, string] => typeof fact[1] === 'string')
}
