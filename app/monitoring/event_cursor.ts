/**
 * The opaque cursor of the events list: the position of the last row shown
 * (dated events first by start then id, then undated ones by id), encoded
 * so that clients pass it back without reading it.
 */
import { apiErrors } from '#exceptions/catalogue'

export type EventCursor = { undated: boolean; startsAtMs: number | null; id: number }

export function encodeEventCursor(cursor: EventCursor): string {
  const payload = cursor.undated ? ['u', cursor.id] : ['d', cursor.startsAtMs, cursor.id]
  return Buffer.from(JSON.stringify(payload)).toString('base64url')
}

export function invalidCursor() {
  return new apiErrors.E_INVALID_CURSOR(
    'This page link is not valid (the cursor was changed or is from another list). Start again from the first page.',
    'cursor'
  )
}

/** Throws E_INVALID_CURSOR (field `cursor`) for anything this module did not produce. */
export function decodeEventCursor(value: string): EventCursor {
  let payload: unknown
  try {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(value)) throw new Error('shape')
    payload = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
  } catch {
    throw invalidCursor()
  }
  const isId = (id: unknown): id is number => Number.isSafeInteger(id) && (id as number) > 0
  if (Array.isArray(payload) && payload.length === 2 && payload[0] === 'u' && isId(payload[1])) {
    return { undated: true, startsAtMs: null, id: payload[1] }
  }
  if (
    Array.isArray(payload) &&
    payload.length === 3 &&
    payload[0] === 'd' &&
    Number.isSafeInteger(payload[1]) &&
    isId(payload[2])
  ) {
    return { undated: false, startsAtMs: payload[1], id: payload[2] }
  }
  throw invalidCursor()
}
