/**
 * `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. The one
 * reader every connector uses (the transport for mapped and unmapped 429s
 * and 5xx, the raw-status clients such as Ticket Evolution's), so both forms
 * are honoured everywhere. Returns ms from `now`, or null when the header is
 * absent or unreadable; a date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | null {
  const raw = Array.isArray(value) ? value[0] : value
  if (raw === undefined) return null
  const trimmed = raw.trim()
  if (!trimmed) return null
  /** delay-seconds is an integer; a decimal ("1.5") is read too rather than dropped */
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  if (/^-/.test(trimmed)) return null
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return null
  return Math.max(0, date - now)
}

/** The same, from a header map (names in any case; repeated values as an array). */
export function retryAfterFrom(
  headers: Record<string, string | string[] | undefined>,
  now: number
): number | null {
  const direct = headers['retry-after']
  if (direct !== undefined) return parseRetryAfter(direct, now)
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'retry-after')
  return name === undefined ? null : parseRetryAfter(headers[name], now)
}

/** "Equal jitter" exponential backoff: a random delay in [c/2, c], c = min(max, base * 2^attempt). */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt)
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}
