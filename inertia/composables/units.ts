/**
 * What a person types (dollars, percent) → what the server stores (minor
 * units, basis points). Text that is not a number is sent as it is, so the
 * server refuses it in words beside the field — never silently turned into
 * "no cap" (NaN → null) or 0.
 */
export function toMinor(text: string | number | null | undefined): number | string | null {
  const value = String(text ?? '').trim()
  if (value === '') return null
  const number = Number(value.replace(/,/g, ''))
  return Number.isFinite(number) ? Math.round(number * 100) : value
}

export function percentToBps(text: string | number | null | undefined): number | string | null {
  return toMinor(text)
}

/** Minor units → the text a person edits ("149.5"), empty for none. */
export function toMajorText(minor: number | null | undefined) {
  return minor === null || minor === undefined ? '' : String(minor / 100)
}
