/**
 * Quiet hours, in the user's IANA time zone: non-urgent deliveries to human
 * channels wait until they end. Pure: `at` is passed in.
 */
import { DateTime, IANAZone } from 'luxon'

export interface QuietHours {
  /** Local wall-clock "HH:MM"; the window may cross midnight (22:00 → 07:00) */
  start: string
  end: string
}

/** A 24-hour "HH:MM" wall-clock time, or null. */
export function parseClock(value: string): { hour: number; minute: number } | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value)
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : null
}

function clockOrThrow(value: string): { hour: number; minute: number } {
  const clock = parseClock(value)
  if (!clock) throw new RangeError(`not an "HH:MM" time: "${value}"`)
  return clock
}

export function zoneOrThrow(timeZone: string): string {
  if (!IANAZone.isValidZone(timeZone)) throw new RangeError(`not an IANA time zone: "${timeZone}"`)
  return timeZone
}

/** Whether `at` falls inside the quiet hours in `timeZone` (start inclusive, end exclusive). */
export function isQuietAt(at: Date, quietHours: QuietHours, timeZone: string): boolean {
  const start = clockOrThrow(quietHours.start)
  const end = clockOrThrow(quietHours.end)
  const local = DateTime.fromJSDate(at, { zone: zoneOrThrow(timeZone) })
  const minute = local.hour * 60 + local.minute
  const from = start.hour * 60 + start.minute
  const to = end.hour * 60 + end.minute
  if (from === to) return false
  return from < to ? minute >= from && minute < to : minute >= from || minute < to
}

/**
 * The instant the quiet hours around `at` end: the next local wall-clock
 * `end` after `at`, so a DST change during the night is counted (the night
 * the clocks spring forward is an hour shorter). An `end` that falls in a DST
 * gap moves forward with the clocks.
 */
export function quietHoursEnd(at: Date, quietHours: QuietHours, timeZone: string): Date {
  const end = clockOrThrow(quietHours.end)
  const local = DateTime.fromJSDate(at, { zone: zoneOrThrow(timeZone) })
  const wallClock = (day: DateTime) =>
    DateTime.fromObject(
      { year: day.year, month: day.month, day: day.day, hour: end.hour, minute: end.minute },
      { zone: timeZone }
    )
  let candidate = wallClock(local)
  if (candidate.toMillis() <= local.toMillis()) candidate = wallClock(local.plus({ days: 1 }))
  return candidate.toJSDate()
}
