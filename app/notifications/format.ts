import { currencyExponent } from '#connectors/transport/money'

/**
 * Display helpers shared by every template. Money arrives as integer minor
 * units + ISO 4217 currency (DESIGN conventions §10) and is formatted with
 * Intl, so JPY shows no decimals and KWD three.
 */
/**
 * Intl formatters are costly to build (a few hundred µs each) and cheap to
 * use: one per locale, currency or time zone, kept (at most 500).
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>()
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let formatter = formatters.get(key) as T | undefined
  if (!formatter) {
    formatter = make()
    if (formatters.size >= 500) formatters.clear()
    formatters.set(key, formatter)
  }
  return formatter
}

export function formatMoney(amountMinor: number, currency: string, locale = 'en-US'): string {
  const code = currency.toUpperCase()
  const exponent = currencyExponent(code)
  return cached(
    `money|${locale}|${code}|${exponent}`,
    () =>
      new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: code,
        minimumFractionDigits: exponent,
        maximumFractionDigits: exponent,
      })
  ).format(amountMinor / 10 ** exponent)
}

/** "Sat 14 Mar 2026, 19:30 GMT" in the event's (or user's) time zone; UTC when none. */
export function formatDateTime(iso: string, timeZone = 'UTC', locale = 'en-GB'): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  try {
    return cached(
      `date|${locale}|${timeZone}`,
      () =>
        new Intl.DateTimeFormat(locale, {
          weekday: 'short',
          day: 'numeric',
          month: 'short',
          year: 'numeric',
          hour: '2-digit',
          minute: '2-digit',
          timeZone,
          timeZoneName: 'short',
        })
    ).format(date)
  } catch {
    return date.toISOString()
  }
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

/** Cuts to `max` characters (code points), ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text)
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`
}

/** Plural helper: `plural(2, 'ticket')` → "2 tickets". */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}
