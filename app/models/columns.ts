import { column } from '@adonisjs/lucid/orm'

/**
 * JSON stored in a TEXT column: the same on SQLite, MySQL and PostgreSQL
 * (drivers disagree on whether JSON columns come back parsed).
 */
export function jsonColumn(options: { columnName?: string; serializeAs?: string | null } = {}) {
  return column({
    ...options,
    prepare: (value: unknown) =>
      value === undefined || value === null ? value : JSON.stringify(value),
    consume: (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value),
  })
}

/** SQLite and MySQL return 0/1 for booleans; PostgreSQL returns true/false. */
export function booleanColumn(options: { columnName?: string } = {}) {
  return column({
    ...options,
    consume: (value: unknown) => (value === null || value === undefined ? value : Boolean(value)),
  })
}

/** Secrets never leave the server through serialisation. */
export function secretColumn(options: { columnName?: string } = {}) {
  return column({ ...options, serializeAs: null })
}
