import type { ChannelKind } from '#models/notification_channel'

/**
 * Typed delivery errors. Every channel driver throws one of these two (and
 * nothing else) from `deliver()`, so the delivery job decides with one
 * `instanceof`: permanent → stop (and, when the channel is at fault, mark it);
 * transient → retry on the backoff schedule.
 *
 * Messages carry facts (status, provider code, reason) and never a secret:
 * Slack and Discord webhook URLs embed their token and are redacted.
 */
export abstract class DeliveryError extends Error {
  /** Stable, machine-readable reason: `invalid_recipient`, `subscription_gone`, `timeout`… */
  readonly code: string
  readonly channel: ChannelKind
  /** HTTP status (or SMTP reply code) the provider answered, when there was one */
  readonly status: number | null
  constructor(
    channel: ChannelKind,
    code: string,
    message: string,
    options: { status?: number | null; cause?: unknown } = {}
  ) {
    super(`${channel}: ${message}`, { cause: options.cause })
    this.name = new.target.name
    this.channel = channel
    this.code = code
    this.status = options.status ?? null
  }
}

/**
 * Retrying will not help: bad address, revoked webhook, expired push
 * subscription, a 4xx that will not change. `channelAtFault` says whether the
 * user's channel itself is broken (mark it disabled and tell the owner) or the
 * operator's provider set-up is (bad Twilio credentials, SMTP auth refused:
 * alert an operator, leave the user's channel alone).
 */
export class PermanentDeliveryError extends DeliveryError {
  readonly channelAtFault: boolean
  constructor(
    channel: ChannelKind,
    code: string,
    message: string,
    options: { status?: number | null; channelAtFault?: boolean; cause?: unknown } = {}
  ) {
    super(channel, code, message, options)
    this.channelAtFault = options.channelAtFault ?? true
  }
}

/** Try again later: 5xx, 408, 429, timeouts, resets, refused connections, garbage answers. */
export class TransientDeliveryError extends DeliveryError {
  /** From Retry-After (or the provider's own field) when it gave one */
  readonly retryAfterMs: number | null
  constructor(
    channel: ChannelKind,
    code: string,
    message: string,
    options: { status?: number | null; retryAfterMs?: number | null; cause?: unknown } = {}
  ) {
    super(channel, code, message, options)
    this.retryAfterMs = options.retryAfterMs ?? null
  }
}

/**
 * HTTP status → class, for every HTTP-based channel: 2xx ok (null); 408, 425,
 * 429 and 5xx transient; any other 4xx permanent. 3xx is permanent too:
 * redirects are never followed (the SSRF guard checked the URL, not where it
 * redirects) so the owner has to store the final URL.
 */
export function classifyHttpStatus(status: number): 'ok' | 'transient' | 'permanent' {
  if (status >= 200 && status < 300) return 'ok'
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'transient'
  return 'permanent'
}

/** Retry-After (seconds or HTTP date) → milliseconds, or null. */
export function parseRetryAfter(
  value: string | string[] | undefined | null,
  now = Date.now()
): number | null {
  const text = Array.isArray(value) ? value[0] : value
  if (!text) return null
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Math.round(Number(text.trim()) * 1000)
  const date = Date.parse(text)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

/** Network-level failures (no answer at all): always transient. */
export function networkErrorCode(error: unknown): string | null {
  const code = (error as { code?: unknown })?.code
  if (typeof code !== 'string') return null
  if (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'EPIPE',
      'ETIMEDOUT',
      'ESOCKETTIMEDOUT',
      'ECONNABORTED',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'EAI_AGAIN',
      'ENOTFOUND',
      'UND_ERR_CONNECT_TIMEOUT',
      'UND_ERR_HEADERS_TIMEOUT',
      'UND_ERR_BODY_TIMEOUT',
      'UND_ERR_SOCKET',
      'UND_ERR_CLOSED',
    ].includes(code)
  ) {
    return code
  }
  return null
}

/** Last resort: anything a driver did not classify becomes a transient `unexpected` error. */
export function asDeliveryError(channel: ChannelKind, error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new TransientDeliveryError(
    channel,
    'unexpected',
    `unexpected error: ${message.slice(0, 300)}`,
    { cause: error }
  )
}
