import type { NotificationType } from '#models/notification'
import type { NotificationMessage } from '#notifications/message'
import { priceLabel, seatLabel } from '#notifications/message'
import { plural, truncate } from '#notifications/format'

/**
 * SMS texts: one short line per type, then the deep link. Kept under two
 * segments (≤ 300 characters) whatever the event name.
 */
export const SMS_MAX_LENGTH = 300

type Data = Record<string, unknown>
const s = (data: Data, key: string) =>
  typeof data[key] === 'string' && data[key] !== '' ? (data[key] as string) : null
const n = (data: Data, key: string) =>
  typeof data[key] === 'number' ? (data[key] as number) : null

const LINES: Record<NotificationType, (data: Data, message: NotificationMessage) => string> = {
  ticket_available: (data) =>
    [
      `Tickets: ${s(data, 'eventName')}`,
      n(data, 'quantity') ? plural(n(data, 'quantity')!, 'ticket') : null,
      seatLabel({ section: s(data, 'section'), row: s(data, 'row') }),
      priceLabel(n(data, 'priceMinor'), s(data, 'currency'))
        ? `${priceLabel(n(data, 'priceMinor'), s(data, 'currency'))} ea`
        : null,
    ]
      .filter(Boolean)
      .join(', '),
  price_alert: (data) =>
    [
      `Price: ${s(data, 'eventName')}`,
      priceLabel(n(data, 'priceMinor'), s(data, 'currency'))
        ? `now ${priceLabel(n(data, 'priceMinor'), s(data, 'currency'))}${
            priceLabel(n(data, 'previousPriceMinor'), s(data, 'currency'))
              ? ` (was ${priceLabel(n(data, 'previousPriceMinor'), s(data, 'currency'))})`
              : ''
          }`
        : null,
      s(data, 'section') ? `sec ${s(data, 'section')}` : null,
    ]
      .filter(Boolean)
      .join(', '),
  purchase_success: (data) =>
    `Bought: ${s(data, 'eventName')}, ${plural(n(data, 'quantity') ?? 0, 'ticket')}, ${priceLabel(n(data, 'totalMinor'), s(data, 'currency')) ?? ''} total, order ${s(data, 'orderId')}`,
  purchase_failed: (data) =>
    `Purchase failed: ${s(data, 'eventName')}. ${s(data, 'reason') ?? ''}`.trim(),
  account_issue: (data) =>
    `Your ${s(data, 'platform')} account needs attention: ${s(data, 'issue')}`,
  system_alert: (data) => `HDTickets alert: ${s(data, 'component')}: ${s(data, 'detail')}`,
}

export function renderSms(message: NotificationMessage): string {
  const link = ` ${message.link}`
  const head = message.digest?.length
    ? `HDTickets: ${message.title}`
    : `${message.priority === 'high' ? '! ' : ''}${LINES[message.type](message.data as Data, message)}`
  const room = Math.max(20, SMS_MAX_LENGTH - link.length)
  return `${truncate(head.replace(/\s+/g, ' ').trim(), room)}${link}`
}
