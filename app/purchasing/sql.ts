/**
 * Small portability helpers for the purchasing tables, written with the
 * query builder (conditional updates are how claims and transitions stay
 * atomic on SQLite, MySQL and PostgreSQL alike).
 */
import { DateTime } from 'luxon'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'

/**
 * A timestamp as the Lucid models write it: SQLite keeps `yyyy-MM-dd
 * HH:mm:ss` text (the SQLite drivers would store a Date as a number, which
 * neither the models nor comparisons with model-written rows understand).
 */
export function dbTime(client: QueryClientContract, date: Date): Date | string {
  if (client.dialect.name.includes('sqlite'))
    return DateTime.fromJSDate(date).toFormat('yyyy-MM-dd HH:mm:ss')
  return date
}

export function fromDbTime(value: unknown): Date | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value
  if (typeof value === 'number') return new Date(value)
  if (typeof value === 'string') {
    const sql = DateTime.fromSQL(value)
    if (sql.isValid) return sql.toJSDate()
    const iso = DateTime.fromISO(value)
    if (iso.isValid) return iso.toJSDate()
  }
  return null
}

/** A stored timestamp (Date, epoch ms, SQL or ISO text) as ISO 8601 UTC, or null. */
export function isoTime(value: unknown): string | null {
  return fromDbTime(value)?.toISOString() ?? null
}

/** Rows changed by an UPDATE, whatever the driver returns. */
export function affectedRows(result: unknown): number {
  if (Array.isArray(result)) return Number(result[0] ?? 0)
  return Number(result ?? 0)
}

/** The column or index a unique violation is about (lower case text to search), or null when it is not one. */
export function uniqueViolation(error: unknown): string | null {
  const e = error as {
    code?: string
    errno?: number
    constraint?: string
    message?: string
    detail?: string
  } | null
  if (!e) return null
  const text = `${e.constraint ?? ''} ${e.detail ?? ''} ${e.message ?? ''}`.toLowerCase()
  if (e.code === '23505' || e.code === 'ER_DUP_ENTRY' || e.errno === 1062) return text
  /** node-sqlite3 gave the primary code; better-sqlite3 gives the extended one (SQLITE_CONSTRAINT_UNIQUE). */
  if (e.code?.startsWith('SQLITE_CONSTRAINT') && text.includes('unique')) return text
  return null
}

/** Row locks where the engine has them (SQLite serialises writers on its one connection). */
export function lockRows<T extends { forUpdate(): unknown }>(
  client: QueryClientContract,
  query: T
): T {
  if (!client.dialect.name.includes('sqlite')) query.forUpdate()
  return query
}

/** INSERT one row and return its id on every engine (PostgreSQL needs RETURNING; the others give the id). */
export async function insertReturningId(
  client: QueryClientContract,
  table: string,
  row: Record<string, unknown>
): Promise<number> {
  if (client.dialect.name === 'postgres') {
    const [inserted] = await client.table(table).insert(row).returning('id')
    return Number(typeof inserted === 'object' ? inserted.id : inserted)
  }
  const [id] = await client.table(table).insert(row)
  return Number(id)
}
