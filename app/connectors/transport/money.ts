import type { Money } from '#connectors/contract'

const exponentCache = new Map<string, number>()

/** ISO 4217 minor-unit exponent (USD 2, JPY 0, KWD 3), from Intl. Throws on an unknown code. */
export function currencyExponent(currency: string): number {
  const code = currency.toUpperCase()
  let exponent = exponentCache.get(code)
  if (exponent === undefined) {
    if (!/^[A-Z]{3}$/.test(code))
      throw new RangeError(`not an ISO 4217 currency code: "${currency}"`)
    exponent = new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency: code,
    }).resolvedOptions().maximumFractionDigits as number
    exponentCache.set(code, exponent)
  }
  return exponent
}

/**
 * A decimal amount (number or "13.00") in major units → integer minor units,
 * rounded half away from zero on the decimal digits (no float drift: 1.005 → 101).
 */
export function toMinorUnits(amount: number | string, currency: string): number {
  const exponent = currencyExponent(currency)
  const text = typeof amount === 'number' ? numberToPlainString(amount) : amount.trim()
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text)
  if (!match || (match[2] === '' && (match[3] ?? '') === ''))
    throw new RangeError(`not a decimal amount: "${amount}"`)
  const [, sign, whole, fraction = ''] = match
  const padded = fraction.padEnd(exponent + 1, '0')
  let minor = Number(whole || '0') * 10 ** exponent + Number(padded.slice(0, exponent) || '0')
  if (Number(padded[exponent]) >= 5) minor += 1
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount out of range: "${amount}"`)
  return sign === '-' && minor !== 0 ? -minor : minor
}

export function money(amount: number | string, currency: string): Money {
  return { amountMinor: toMinorUnits(amount, currency), currency: currency.toUpperCase() }
}

export function isCurrencyCode(value: string): boolean {
  try {
    currencyExponent(value)
    return true
  } catch {
    return false
  }
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`)
  const text = String(value)
  return /e/i.test(text) ? value.toFixed(20).replace(/0+$/, '') : text
}

/** Minor units → "USD 12.50" / "JPY 1200" / "KWD 12.050", with the currency's own decimals. */
export function formatMinorUnits(amountMinor: number, currency: string): string {
  const exponent = currencyExponent(currency)
  return `${currency.toUpperCase()} ${(amountMinor / 10 ** exponent).toFixed(exponent)}`
}
