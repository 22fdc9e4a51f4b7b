/**
 * Streamed CSV exports, written by the one CSV writer (app/csv/writer.ts,
 * with its formula guard).
 */
import { csvRow, type Cell } from '#csv/writer'

export { csvRow, type Cell }

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
