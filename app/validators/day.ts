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
