export interface Money {
  amountMinor: number
  currency: string
}

/**
 * Intl formatters are costly to build (a server-rendered page with a few
 * hundred prices spent most of its time constructing them): one per
 * currency / time zone, kept.
 */
const moneyFormats = new Map<string, { format: Intl.NumberFormat; digits: number }>()
const dateFormats = new Map<string, Intl.DateTimeFormat>()

function moneyFormat(currency: string) {
  let entry = moneyFormats.get(currency)
  if (!entry) {
    let format: Intl.NumberFormat
    try {
      format = new Intl.NumberFormat('en', { style: 'currency', currency })
    } catch {
      /**
       * Not an ISO 4217 code ("US", "dollars", a typo in a form): Intl throws a
       * RangeError. Show the amount with the code as typed instead of breaking the page.
       */
      const number = new Intl.NumberFormat('en', {
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
      })
      format = { format: (value: number) => `${number.format(value)} ${currency}` } as any
      entry = { format, digits: 2 }
      moneyFormats.set(currency, entry)
      return entry
    }
    entry = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 }
    moneyFormats.set(currency, entry)
  }
  return entry
}

/**
 * Formatting itself is costly too (~10 µs a call; a dashboard makes ~80):
 * the last texts made are kept, by their input. The same prices and dates
 * come back on every render of the same pages.
 */
const formatted = new Map<string, string>()
function remembered(key: string, make: () => string) {
  let text = formatted.get(key)
  if (text === undefined) {
    text = make()
    if (formatted.size >= 5_000) formatted.clear()
    formatted.set(key, text)
  }
  return text
}

/** Integer minor units + ISO currency → "$123.45". A missing price stays "—", never $0. */
export function formatMoney(money: Money | null | undefined) {
  if (!money) return '—'
  return remembered(`m|${money.currency}|${money.amountMinor}`, () => {
    const { format, digits } = moneyFormat(money.currency)
    return format.format(money.amountMinor / 10 ** digits)
  })
}

export function formatDate(iso: string | null, timezone?: string | null, dateOnly = false) {
  if (!iso) return 'Date to be announced'
  return remembered(`d|${timezone ?? 'UTC'}|${dateOnly}|${iso}`, () =>
    dateFormat(timezone, dateOnly).format(new Date(iso))
  )
}

function dateFormat(timezone: string | null | undefined, dateOnly: boolean) {
  const key = `${timezone ?? 'UTC'}|${dateOnly}`
  let format = dateFormats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat('en', {
      dateStyle: 'medium',
      ...(dateOnly ? {} : { timeStyle: 'short' }),
      timeZone: timezone ?? 'UTC',
    })
    dateFormats.set(key, format)
  }
  return format
}

/**
 * "12 s ago" must read the same on the server and in the browser while the
 * page hydrates, or Vue reports a mismatch: both use the server's clock of
 * the request (the shared prop `now`) until the app is mounted, then the
 * browser's own.
 */
let renderNow: number | null = null
export function useRenderClock(nowIso: string | null | undefined) {
  renderNow = nowIso ? new Date(nowIso).getTime() : null
}

export function formatRelative(iso: string | null) {
  if (!iso) return 'never'
  const seconds = Math.round(((renderNow ?? Date.now()) - new Date(iso).getTime()) / 1000)
  if (seconds < 60) return `${Math.max(seconds, 0)} s ago`
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`
  return `${Math.round(seconds / 86400)} d ago`
}
