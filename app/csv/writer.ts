/**
 * The one CSV writer of every export (analytics CSVs, the bulk export, an
 * event's price history): RFC 4180 through csv-stringify, CRLF line ends,
 * fields with a comma, quote, line break or edge whitespace quoted.
 *
 * Formula guard (OWASP "CSV injection"): a text cell a spreadsheet would
 * run — one starting with =, +, -, @, a tab or CR — is written with a
 * leading apostrophe, which spreadsheets show as text. Plain numbers
 * (`-12.50`) are left alone. Cells that already start with apostrophes
 * before such a character get one more, so `unguardFormula` (the bulk
 * import) gives back exactly what was exported.
 */
import { stringify, type Options } from 'csv-stringify/sync'

export type Cell = string | number | boolean | bigint | null | undefined | Date | object

const RUNNABLE = /^'*[=+\-@\t\r]/
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/

export function guardFormula(text: string): string {
  return RUNNABLE.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text
}

/** The reverse of `guardFormula`, for a cell read back from a CSV this app wrote. */
export function unguardFormula(text: string): string {
  return /^'+[=+\-@\t\r]/.test(text) && !PLAIN_NUMBER.test(text.slice(1)) ? text.slice(1) : text
}

const OPTIONS: Options = {
  record_delimiter: '\r\n',
  /** Edge whitespace and any line break (a lone LF or CR too, not only the CRLF record end). */
  quoted_match: [/^\s|\s$/, /[\r\n]/],
  cast: {
    string: (value) => guardFormula(value),
    date: (value) => value.toISOString(),
    boolean: (value) => String(value),
    number: (value) => String(value),
    bigint: (value) => String(value),
    object: (value) => guardFormula(JSON.stringify(value)),
  },
}

/** One record, with its line end. */
export function csvRow(cells: readonly Cell[]): string {
  return stringify([cells as Cell[]], OPTIONS)
}

/** A header row of `columns`, then one record per row (a row's missing column is an empty cell). */
export function toCsv(columns: string[], rows: Array<Record<string, unknown>>): string {
  return stringify(rows, { ...OPTIONS, header: true, columns })
}
