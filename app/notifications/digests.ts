/**
 * Digests: low-priority messages to human channels are batched per window
 * of N minutes (windows aligned to local midnight) into one message. Pure:
 * the clock is passed in. Sent by app/notifications/digest_sender.ts.
 */
import { DateTime } from 'luxon'
import type { NotificationType } from '#models/notification'
import type { DigestItem, NotificationMessage } from '#notifications/message'
import { deepLink } from '#notifications/message'
import { plural } from '#notifications/format'
import { zoneOrThrow } from '#notifications/quiet_hours'

/**
 * The digest window holding `at`: windows of `minutes` counted in local wall
 * time from local midnight (a 60-minute digest in Asia/Kolkata closes at
 * 10:00 IST, not 10:30). The last window of a day ends at the next midnight.
 */
export function digestWindow(
  at: Date,
  minutes: number,
  timeZone: string
): { start: Date; end: Date } {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440)
    throw new RangeError(`digest minutes must be 1–1440, got ${minutes}`)
  const local = DateTime.fromJSDate(at, { zone: zoneOrThrow(timeZone) })
  const midnight = local.startOf('day')
  const elapsed = local.hour * 60 + local.minute
  const index = Math.floor(elapsed / minutes)
  const atWall = (minuteOfDay: number) =>
    minuteOfDay >= 1440
      ? midnight.plus({ days: 1 }).startOf('day')
      : DateTime.fromObject(
          {
            year: midnight.year,
            month: midnight.month,
            day: midnight.day,
            hour: Math.floor(minuteOfDay / 60),
            minute: minuteOfDay % 60,
          },
          { zone: timeZone }
        )
  const start = atWall(index * minutes)
  const end = atWall((index + 1) * minutes)
  return { start: start.toJSDate(), end: end.toJSDate() }
}

/**
 * Many low-priority messages → one. Null for none; the message itself for
 * one; otherwise a digest: title "N updates from HDTickets", a body counting
 * them per type, `digest` holding every item (oldest first; digests of
 * digests flatten), low priority. `type` and `data` are the newest item's so
 * the message stays well-typed; templates render `digest` instead of facts.
 */
export function buildDigest(
  messages: NotificationMessage[],
  options: { appUrl: string; now: Date }
): NotificationMessage | null {
  if (messages.length === 0) return null
  if (messages.length === 1) return messages[0]
  const items: DigestItem[] = [...messages]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .flatMap((message) =>
      message.digest?.length
        ? message.digest
        : [
            {
              type: message.type,
              title: message.title,
              body: message.body,
              link: message.link,
              createdAt: message.createdAt,
            },
          ]
    )
  const newest = [...messages].sort((a, b) => a.createdAt.localeCompare(b.createdAt))[
    messages.length - 1
  ]
  const types = new Set(items.map((item) => item.type))
  const counts = [...types].map((kind) =>
    plural(items.filter((item) => item.type === kind).length, DIGEST_NOUNS[kind])
  )
  return {
    type: newest.type,
    title: `${items.length} updates from HDTickets`,
    body: `${counts.join(', ')} since your last digest.`,
    link: deepLink(options.appUrl, '/alerts'),
    priority: 'low',
    createdAt: options.now.toISOString(),
    notificationId: null,
    data: newest.data,
    digest: items,
  }
}

const DIGEST_NOUNS: Record<NotificationType, string> = {
  ticket_available: 'ticket alert',
  price_alert: 'price alert',
  purchase_success: 'purchase',
  purchase_failed: 'failed purchase',
  account_issue: 'account issue',
  system_alert: 'system alert',
}
