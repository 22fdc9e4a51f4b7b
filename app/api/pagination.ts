/**
 * One way to page, filter and sort every /api/v1 list.
 *
 * Query string: `limit` (1–200, default 50), `cursor` (opaque, from the
 * previous page's `meta.nextCursor`), `sort` (a field name, `-field` for
 * descending) and the filters the resource declares. Anything else in the
 * query string is a 422 naming it; a cursor that was not issued for this
 * sort is a 400 (`E_INVALID_CURSOR`).
 *
 * Keyset pagination on (sort column, id): stable under inserts, and the
 * same cost on page 1 and page 1,000. Nulls sort last in both directions,
 * on every database (SQLite and MySQL would put them first, PostgreSQL last).
 */
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import { apiErrors } from '#exceptions/catalogue'

export interface SortField {
  /** The SQL column (qualified when the query joins). */
  column: string
  nullable?: boolean
}

export interface ListSpec {
  /** API name → column. `id` is always the tie-breaker. */
  sorts: Record<string, SortField>
  /** Default sort, e.g. `startsAt` or `-createdAt`. */
  defaultSort: string
  /** The id column used as tie-breaker (qualified when the query joins). */
  idColumn?: string
  /** Filters: API name → how it narrows the query. Values arrive as strings. */
  filters?: Record<string, (query: DatabaseQueryBuilderContract<any>, value: string) => void>
  /** Filter names whose values must be one of these. */
  enums?: Record<string, readonly string[]>
  maxLimit?: number
}

export interface ListQuery {
  limit: number
  sort: { name: string; field: SortField; descending: boolean }
  cursor: { value: unknown; id: number } | null
  filters: Record<string, string>
}

export interface Page<T> {
  data: T[]
  meta: { limit: number; nextCursor: string | null }
}

const RESERVED = new Set(['limit', 'cursor', 'sort'])

/** Reads and checks the query string against the resource's spec. */
export function parseListQuery(qs: Record<string, unknown>, spec: ListSpec): ListQuery {
  const filters: Record<string, string> = {}
  for (const [name, raw] of Object.entries(qs)) {
    if (RESERVED.has(name)) {
      if (typeof raw !== 'string')
        throw new apiErrors.E_VALIDATION(`"${name}" must be given once, as text`, name)
      continue
    }
    /** Own keys only: `constructor`, `__proto__` or `toString` name no filter of any list. */
    if (!spec.filters || !Object.hasOwn(spec.filters, name)) {
      throw new apiErrors.E_UNKNOWN_FIELD(`Unknown query parameter "${name}"`, name)
    }
    if (typeof raw !== 'string') {
      throw new apiErrors.E_VALIDATION(`"${name}" must be given once, as text`, name)
    }
    const allowed = spec.enums && Object.hasOwn(spec.enums, name) ? spec.enums[name] : undefined
    if (allowed && !allowed.includes(raw)) {
      throw new apiErrors.E_VALIDATION(`"${name}" must be one of ${allowed.join(', ')}`, name)
    }
    filters[name] = raw
  }

  const maxLimit = spec.maxLimit ?? 200
  let limit = 50
  if (qs.limit !== undefined) {
    const text = String(qs.limit)
    if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > maxLimit) {
      throw new apiErrors.E_VALIDATION(
        `"limit" must be a whole number from 1 to ${maxLimit}`,
        'limit'
      )
    }
    limit = Number(text)
  }

  const sortText = qs.sort === undefined ? spec.defaultSort : String(qs.sort)
  const descending = sortText.startsWith('-')
  const name = descending ? sortText.slice(1) : sortText
  const field = Object.hasOwn(spec.sorts, name) ? spec.sorts[name] : undefined
  if (!field) {
    throw new apiErrors.E_VALIDATION(
      `"sort" must be one of ${Object.keys(spec.sorts).join(', ')} (prefix - for descending)`,
      'sort'
    )
  }

  let cursor: ListQuery['cursor'] = null
  if (qs.cursor !== undefined && qs.cursor !== '') {
    cursor = decodeCursor(String(qs.cursor), sortText)
  }
  return { limit, sort: { name, field, descending }, cursor, filters }
}

/** Applies filters, order and the cursor, fetches limit + 1 rows and builds the page. */
export async function paginate<Row, T>(
  query: DatabaseQueryBuilderContract<any>,
  list: ListQuery,
  spec: ListSpec,
  transform: (row: Row) => T
): Promise<Page<T>> {
  const idColumn = spec.idColumn ?? 'id'
  for (const [name, value] of Object.entries(list.filters)) spec.filters![name](query, value)

  const { column, nullable } = list.sort.field
  const dir = list.sort.descending ? 'desc' : 'asc'
  const beyond = list.sort.descending ? '<' : '>'
  const cursor = list.cursor
  const take = list.limit + 1
  const afterValue = (q: DatabaseQueryBuilderContract<any>, value: any, id: number) =>
    q.where((where) =>
      where
        .where(column, beyond, value)
        .orWhere((tie) => tie.where(column, value).where(idColumn, beyond, id))
    )

  let rows: any[]
  if (column === idColumn) {
    if (cursor) query.where(idColumn, beyond, cursor.id)
    rows = await query.orderBy(idColumn, dir).limit(take)
  } else if (!nullable) {
    if (cursor) afterValue(query, cursor.value, cursor.id)
    rows = await query.orderBy(column, dir).orderBy(idColumn, dir).limit(take)
  } else {
    /**
     * Two index-friendly reads instead of one `ORDER BY (col IS NULL), col`
     * (which sorts the whole table): the rows with a value, then, if the
     * page is not full, the rows without one.
     */
    rows = []
    if (!cursor || cursor.value !== null) {
      const valued = query.clone().whereNotNull(column)
      if (cursor) afterValue(valued, cursor.value, cursor.id)
      rows = await valued.orderBy(column, dir).orderBy(idColumn, dir).limit(take)
    }
    if (rows.length < take) {
      const empty = query.clone().whereNull(column)
      if (cursor && cursor.value === null) empty.where(idColumn, beyond, cursor.id)
      rows.push(...(await empty.orderBy(idColumn, dir).limit(take - rows.length)))
    }
  }

  const hasMore = rows.length > list.limit
  const page = rows.slice(0, list.limit)
  const last = page[page.length - 1]
  const sortText = `${list.sort.descending ? '-' : ''}${list.sort.name}`
  const lastValue = last ? last[rawKey(column)] : undefined
  return {
    data: page.map((row) => transform(row)),
    meta: {
      limit: list.limit,
      nextCursor:
        hasMore && last
          ? encodeCursor(sortText, lastValue ?? null, Number(last[rawKey(idColumn)]))
          : null,
    },
  }
}

/** `events.starts_at` → `starts_at`: the key the row carries. */
function rawKey(column: string) {
  return column.includes('.') ? column.slice(column.lastIndexOf('.') + 1) : column
}

export function encodeCursor(sort: string, value: unknown, id: number) {
  const typed = value instanceof Date ? { d: value.toISOString() } : { v: value }
  return Buffer.from(JSON.stringify({ s: sort, ...typed, i: id })).toString('base64url')
}

export function decodeCursor(text: string, sort: string): { value: unknown; id: number } {
  const invalid = () =>
    new apiErrors.E_INVALID_CURSOR(
      'The cursor is not one this list gave out (or was issued for another sort)',
      'cursor'
    )
  let parsed: any
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error('not base64url')
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    throw invalid()
  }
  if (!parsed || typeof parsed !== 'object' || parsed.s !== sort || !Number.isSafeInteger(parsed.i))
    throw invalid()
  if ('d' in parsed) {
    const date = new Date(parsed.d)
    if (typeof parsed.d !== 'string' || Number.isNaN(date.getTime())) throw invalid()
    return { value: date, id: parsed.i }
  }
  if (
    !('v' in parsed) ||
    (parsed.v !== null && !['string', 'number', 'boolean'].includes(typeof parsed.v))
  )
    throw invalid()
  return { value: parsed.v, id: parsed.i }
}
