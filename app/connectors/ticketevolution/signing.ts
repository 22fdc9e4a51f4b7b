/**
 * Ticket Evolution request signing (API-NOTES §3, "Signing requests with X-Signature").
 *
 *   X-Signature = Base64( HMAC-SHA256( secret, stringToSign ) )
 *
 *   GET/DELETE: "<METHOD> <host><path>?<query sorted by key>"   (the `?` is always there)
 *   POST/PUT:   "<METHOD> <host><path>?<exact raw JSON body>"
 *
 * Like the official PHP client: keys sorted in byte order (strcmp), null/undefined
 * parameters dropped, values form-encoded with spaces as `+` (RFC 1738), only the
 * scheme stripped from the URL (so `host` keeps a non-default port).
 *
 * The same `canonicalQuery` builds the query we send and the one we sign, so
 * the two can never disagree. Pure: no clock, no network.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export type QueryValue = string | number | boolean | null | undefined
export type QueryParams = Record<string, QueryValue>

/** PHP `urlencode`: everything but [A-Za-z0-9_.-] percent-encoded, space as `+`. */
export function formEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+')
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/** `a=1&b=two+words`, keys in byte order, nulls dropped; '' when nothing is left. */
export function canonicalQuery(params: QueryParams | URLSearchParams | undefined): string {
  if (!params) return ''
  const pairs: Array<[string, string]> = []
  if (params instanceof URLSearchParams) {
    for (const [key, value] of params) pairs.push([key, value])
  } else {
    for (const key of Object.keys(params)) {
      const value = params[key]
      if (value === null || value === undefined) continue
      pairs.push([key, String(value)])
    }
  }
  // Stable for repeated keys: same key keeps its original order.
  pairs.sort((a, b) => byteOrder(a[0], b[0]))
  return pairs.map(([k, v]) => `${formEncode(k)}=${formEncode(v)}`).join('&')
}

export interface SignableRequest {
  method: string
  /** host[:port], without scheme */
  host: string
  /** path starting with `/`, without query */
  path: string
  /** canonical query (see `canonicalQuery`) for GET/DELETE */
  query?: string
  /** exact body bytes for POST/PUT (and DELETE with a body) */
  body?: string
}

export function stringToSign(req: SignableRequest): string {
  const method = req.method.toUpperCase()
  const tail = req.body !== undefined && req.body !== '' ? req.body : (req.query ?? '')
  return `${method} ${req.host}${req.path}?${tail}`
}

export function signString(secret: string, toSign: string): string {
  return createHmac('sha256', secret).update(toSign, 'utf8').digest('base64')
}

export function signRequest(secret: string, req: SignableRequest): string {
  return signString(secret, stringToSign(req))
}

/** Constant-time comparison of two Base64 signatures. */
export function signaturesEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8')
  const b = Buffer.from(given, 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}
