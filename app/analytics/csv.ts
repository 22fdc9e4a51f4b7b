/**
 * CSV (RFC 4180) written row by row, for streamed exports (pure).
 * A cell with a comma, quote, CR or LF is quoted with inner quotes doubled;
 * a text cell starting with =, +, -, @, tab or CR is prefixed with ' so a
 * spreadsheet does not run it as a formula (OWASP "CSV injection").
 */
export type Cell = string | number | boolean | null | undefined | Date

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  let text = value
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvRow(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`
}

/** Minor units → "12.34" (exponent 2 unless given), for spreadsheet columns. */
export function decimal(minor: number | null | undefined, exponent = 2): string {
  if (minor === null || minor === undefined) return ''
  const negative = minor < 0
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0')
  const text = exponent ? `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}` : digits
  return negative ? `-${text}` : text
}

/** Rows pulled page by page (keyset by id) and written as CSV lines. */
export async function* csvLines<T>(
  header: readonly string[],
  pages: AsyncIterable<T[]>,
  toCells: (row: T) => Cell[]
) {
  yield csvRow(header)
  for await (const page of pages) {
    let chunk = ''
    for (const row of page) chunk += csvRow(toCells(row))
    if (chunk) yield chunk
  }
}
