import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * Webhook signatures.
 *
 *   HDTickets-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>
 *
 * The timestamp is inside the MAC so a captured request cannot be replayed
 * later than the receiver's tolerance (5 minutes by default). Several v1
 * entries may appear (during a secret rotation each valid secret signs); a
 * receiver accepts the request when any of them matches.
 */
export const SIGNATURE_HEADER = 'HDTickets-Signature'
export const DEFAULT_TOLERANCE_SECONDS = 300

/** A fresh per-endpoint secret: "whsec_" + 32 random bytes, base64url. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`
}

export function computeSignature(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')
}

/** The header value for `body` signed at `timestamp` (unix seconds) with each secret. */
export function signPayload(
  secrets: string | string[],
  body: string | Buffer,
  timestamp: number
): string {
  if (!Number.isInteger(timestamp) || timestamp < 0)
    throw new RangeError(`invalid signature timestamp: ${timestamp}`)
  const list = Array.isArray(secrets) ? secrets : [secrets]
  if (list.length === 0 || list.some((secret) => typeof secret !== 'string' || secret === '')) {
    throw new Error('a webhook signature needs a non-empty secret')
  }
  return [
    `t=${timestamp}`,
    ...list.map((secret) => `v1=${computeSignature(secret, timestamp, body)}`),
  ].join(',')
}

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | {
      ok: false
      reason: 'missing' | 'malformed' | 'timestamp_outside_tolerance' | 'no_matching_signature'
    }

export function parseSignatureHeader(
  header: string
): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | null = null
  const signatures: string[] = []
  for (const part of header.split(',')) {
    const index = part.indexOf('=')
    if (index <= 0) return null
    const key = part.slice(0, index).trim()
    const value = part.slice(index + 1).trim()
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value) || timestamp !== null) return null
      timestamp = Number(value)
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(value)) return null
      signatures.push(value.toLowerCase())
    }
    // Unknown schemes (a future v2) are ignored, so receivers keep working.
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures }
}

/**
 * Verifies a header against the raw body (the exact bytes received, not a
 * re-serialised object) with any of `secrets`, in constant time per compare,
 * and the timestamp within `toleranceSeconds` of `now`.
 */
export function verifySignature(
  header: string | string[] | undefined | null,
  body: string | Buffer,
  secrets: string | string[],
  options: { toleranceSeconds?: number; now?: Date } = {}
): SignatureCheck {
  const text = Array.isArray(header) ? header[0] : header
  if (!text) return { ok: false, reason: 'missing' }
  const parsed = parseSignatureHeader(text)
  if (!parsed) return { ok: false, reason: 'malformed' }
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000)
  if (Math.abs(nowSeconds - parsed.timestamp) > tolerance)
    return { ok: false, reason: 'timestamp_outside_tolerance' }

  let matched = false
  for (const secret of Array.isArray(secrets) ? secrets : [secrets]) {
    const expected = Buffer.from(computeSignature(secret, parsed.timestamp, body), 'hex')
    for (const candidate of parsed.signatures) {
      // Every pair is compared (no early exit) so timing says nothing about which matched.
      if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) matched = true
    }
  }
  return matched
    ? { ok: true, timestamp: parsed.timestamp }
    : { ok: false, reason: 'no_matching_signature' }
}
