/**
 * An iCalendar (RFC 5545) feed of events (pure): CRLF line ends, TEXT values
 * escaped (backslash, semicolon, comma, newline), lines folded at 75 octets,
 * times in UTC. Events whose date is not announced are left out.
 */
export type CalendarEvent = {
  id: number
  name: string
  startsAt: number | null
  dateTbd: boolean
  venue: string | null
  city: string | null
  status: string
  url: string
  lowestPrice: string | null
  updatedAt: number
}

export function icalText(value: string) {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
}

const stamp = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')

/** Folds a content line into ≤ 75-octet pieces (continuations start with a space), never splitting a UTF-8 character. */
export function foldLine(line: string) {
  const pieces: string[] = []
  let current = ''
  let octets = 0
  for (const char of line) {
    const size = Buffer.byteLength(char)
    const limit = pieces.length ? 74 : 75
    if (octets + size > limit) {
      pieces.push(current)
      current = ''
      octets = 0
    }
    current += char
    octets += size
  }
  pieces.push(current)
  return pieces.join('\r\n ')
}

export function calendarFeed(
  events: readonly CalendarEvent[],
  options: { host: string; name: string; now: number; durationMs?: number }
) {
  const duration = options.durationMs ?? 3 * 3_600_000
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//HDTickets//Watched events//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${icalText(options.name)}`,
  ]
  for (const event of events) {
    if (event.startsAt === null || event.dateTbd) continue
    const description = [
      `Status: ${event.status}`,
      event.lowestPrice ? `Lowest price now: ${event.lowestPrice}` : null,
      event.url,
    ]
      .filter(Boolean)
      .join('\n')
    lines.push(
      'BEGIN:VEVENT',
      `UID:event-${event.id}@${options.host}`,
      `DTSTAMP:${stamp(options.now)}`,
      `LAST-MODIFIED:${stamp(event.updatedAt)}`,
      `DTSTART:${stamp(event.startsAt)}`,
      `DTEND:${stamp(event.startsAt + duration)}`,
      `SUMMARY:${icalText(event.name)}`,
      ...(event.venue || event.city
        ? [`LOCATION:${icalText([event.venue, event.city].filter(Boolean).join(', '))}`]
        : []),
      `DESCRIPTION:${icalText(description)}`,
      `URL:${event.url}`,
      `STATUS:${event.status === 'cancelled' ? 'CANCELLED' : event.status === 'postponed' ? 'TENTATIVE' : 'CONFIRMED'}`,
      'END:VEVENT'
    )
  }
  lines.push('END:VCALENDAR')
  return lines.map(foldLine).join('\r\n') + '\r\n'
}
