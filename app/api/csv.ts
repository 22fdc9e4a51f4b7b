/**
 * RFC 4180 CSV: a header row, then one record a line; fields with a comma,
 * quote or line break are quoted, quotes doubled. Values are text; the
 * bulk transfer decides what each column means.
 */
export function toCsv(columns: string[], rows: Array<Record<string, unknown>>): string {
  const cell = (value: unknown) => {
    if (value === null || value === undefined) return ''
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value)
    return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
  }
  const lines = [columns.map(cell).join(',')]
  for (const row of rows) lines.push(columns.map((column) => cell(row[column])).join(','))
  return lines.join('\r\n') + '\r\n'
}

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
    return Object.fromEntries(header.map((name, column) => [name.trim(), cells[column]]))
  })
}
