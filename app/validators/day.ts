import vine from '@vinejs/vine'

/**
 * A calendar day typed as YYYY-MM-DD (what `<input type="date">` sends),
 * strictly: 01/02/2027 or 2027-02-30 are refused naming the field. The
 * value becomes midnight UTC of that day.
 */
const strictDay = vine.createRule((value, _options, field) => {
  const text = typeof value === 'string' ? value : ''
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00.000Z`) : null
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== text) {
    field.report('The {{ field }} field must be a date written YYYY-MM-DD', 'day', field)
  }
})

export const day = () =>
  vine
    .string()
    .trim()
    .use(strictDay())
    .transform((value) => new Date(`${value}T00:00:00.000Z`))

/** `to` before `from`: the error the forms show on `to`. */
export function rangeError(range: { from?: Date; to?: Date }): Record<string, string> {
  return range.from && range.to && range.to < range.from
    ? { to: 'The to date must be on or after the from date' }
    : {}
}

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?)?$/

/**
 * Reads `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm[:ss[.sss]][Z|±hh:mm]` (no zone:
 * UTC) as an instant, or null when it is not a real one: 2026-02-30,
 * month 13 or 25:00 are refused, never rolled over into another day.
 */
export function parseInstant(text: string): Date | null {
  const match = INSTANT.exec(text)
  if (!match) return null
  const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0', zone] = match
  const [year, month, dayOfMonth, hour, minute, second] = [y, mo, d, h, mi, s].map(Number)
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > daysInMonth) return null
  if (hour > 23 || minute > 59 || second > 59) return null
  let offsetMinutes = 0
  if (zone && zone !== 'Z') {
    const [oh, om] = zone.slice(1).split(':').map(Number)
    if (oh > 14 || om > 59) return null
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om)
  }
  const utc = Date.UTC(year, month - 1, dayOfMonth, hour, minute, second, Number(ms.padEnd(3, '0')))
  return new Date(utc - offsetMinutes * 60_000)
}

const strictInstant = vine.createRule((value, _options, field) => {
  if (typeof value !== 'string' || !parseInstant(value)) {
    field.report(
      'The {{ field }} field must be a real date, written YYYY-MM-DD (or YYYY-MM-DDTHH:mm, with an optional time zone)',
      'date',
      field
    )
  }
})

/** A date or date and time, strictly (see parseInstant), as a Date. */
export const instant = () =>
  vine
    .string()
    .trim()
    .use(strictInstant())
    .transform((value) => parseInstant(value)!)
