/**
 * Decimal USD amounts (TEvo sends `187.93`, sometimes `"10"` or `"10.50"`) to
 * integer cents without floating-point drift: the decimal is read as text.
 * Pure.
 */
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/

/** True when `value` is a finite decimal number or a decimal string. */
export function isDecimal(value: unknown): value is number | string {
  if (typeof value === 'number') return Number.isFinite(value)
  return typeof value === 'string' && DECIMAL.test(value.trim())
}

/** Decimal → integer minor units (2 places), half away from zero; null when unreadable. */
export function decimalToMinor(value: number | string): number | null {
  let text: string
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null
    /**
     * Whole cents (nearly every price): the float is within a few ulps of
     * them, and the text route below gives the same answer at about ten
     * times the cost (it ran four times per listing on every check).
     */
    const scaled = value * 100
    const cents = Math.round(scaled)
    if (Math.abs(scaled - cents) < 1e-6 && Math.abs(value) < 1e13) return cents === 0 ? 0 : cents
    // toString gives the shortest exact representation; exponent forms are rare for prices
    text = Math.abs(value) < 1e-6 || Math.abs(value) >= 1e21 ? value.toFixed(6) : String(value)
  } else {
    text = value.trim()
  }
  const match = DECIMAL.exec(text)
  if (!match) return null
  const [, minus, whole, frac = ''] = match
  const cents = Number(whole) * 100 + Number((frac + '00').slice(0, 2))
  const roundUp = frac.length > 2 && frac.charCodeAt(2) >= 53 /* '5' */
  const total = cents + (roundUp ? 1 : 0)
  return minus ? -total : total
}

/** Integer minor units → the 2-decimal string TEvo expects in order bodies. */
export function minorToDecimal(minor: number): string {
  const sign = minor < 0 ? '-' : ''
  const abs = Math.abs(Math.trunc(minor))
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}
