import { InvalidPayload } from '#connectors/errors'
import type { PayloadProblem } from '#connectors/contract'

/**
 * Per-item validation of a platform's list (events of a search page,
 * listings of an event): an item that breaks the schema is left out and
 * reported with its id and JSON path; the others are kept. Only
 * InvalidPayload is caught: anything else is a bug and still throws.
 */
export function eachValid<T>(
  items: readonly unknown[],
  options: {
    item: PayloadProblem['item']
    /** JSON path of item i, e.g. `$._embedded.events[3]` */
    pathOf: (index: number) => string
    /** The item's id, read leniently from the raw value (null when unreadable) */
    idOf: (raw: unknown) => string | null
  },
  parse: (raw: unknown, index: number) => T
): { valid: T[]; skipped: PayloadProblem[] } {
  const valid: T[] = []
  const skipped: PayloadProblem[] = []
  items.forEach((raw, index) => {
    try {
      valid.push(parse(raw, index))
    } catch (error) {
      if (!(error instanceof InvalidPayload)) throw error
      skipped.push({
        item: options.item,
        ref: options.idOf(raw),
        path: error.path || options.pathOf(index),
        reason: error.reason,
      })
    }
  })
  return { valid, skipped }
}

/** An `id` field as a string, when it is one (for reporting a skipped item). */
export function idField(raw: unknown, key = 'id'): string | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null
  const value = (raw as Record<string, unknown>)[key]
  if (typeof value === 'string' && value.length > 0) return value.slice(0, 100)
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return null
}

/** "event G5v… at $._embedded.events[3].priceRanges[0].min: expected a number, …" */
export function describeProblem(problem: PayloadProblem): string {
  const what = problem.ref ? `${problem.item} ${problem.ref}` : problem.item
  return `${what} at ${problem.path}: ${problem.reason}`
}
