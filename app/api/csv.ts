/**
 * The bulk transfer's CSV: written by the one CSV writer (app/csv/writer.ts,
 * formula guard included); read back here, the guard's apostrophe removed
 * so an exported file imports as it was.
 */
import { unguardFormula } from '#csv/writer'

export { toCsv } from '#csv/writer'

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number
  ) {
    super(message)
  }
}

/** Parses CSV text into records keyed by the header row. Empty cells are ''. */
export function parseCsv(text: string): Array<Record<string, string>> {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let i = 0
  const input = text.replace(/^\uFEFF/, '')
  while (i < input.length) {
    const char = input[i]
    if (quoted) {
      if (char === '"') {
        if (input[i + 1] === '"') {
          field += '"'
          i += 2
          continue
        }
        quoted = false
        i++
        continue
      }
      if (char === '\n') line++
      field += char
      i++
      continue
    }
    if (char === '"' && field === '') {
      quoted = true
      i++
      continue
    }
    if (char === ',') {
      record.push(field)
      field = ''
      i++
      continue
    }
    if (char === '\r' || char === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      if (char === '\r' && input[i + 1] === '\n') i++
      i++
      line++
      continue
    }
    field += char
    i++
  }
  if (quoted) throw new CsvError('Unclosed quote', line)
  if (field !== '' || record.length) {
    record.push(field)
    records.push(record)
  }
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0] === ''))
  if (!nonEmpty.length) return []
  const [header, ...body] = nonEmpty
  return body.map((cells, index) => {
    if (cells.length !== header.length)
      throw new CsvError(
        `Row ${index + 1} has ${cells.length} fields, the header ${header.length}`,
        index + 2
      )
    return Object.fromEntries(
      header.map((name, column) => [name.trim(), unguardFormula(cells[column])])
    )
  })
}
