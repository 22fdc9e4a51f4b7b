/**
 * Typed connector errors. Each carries facts (source, event, path, reason),
 * never a secret, so it can be logged and shown as is, and says what a
 * caller needs to decide: a stable `code` and whether trying again later
 * can succeed (`retryable`, not before `retryAfterMs` when the platform
 * said). The purchase executor asks the error instead of testing its class.
 */
export class ConnectorError extends Error {
  readonly source: string
  /**
   * Stable code of the failure, stored with a failed purchase attempt. Any
   * other connector failure (e.g. a malformed answer) is a `platform_error`.
   */
  readonly code: string = 'platform_error'
  /**
   * Whether the same call may succeed later. A failure whose outcome is not
   * known (a malformed answer after an order call) is retryable: the next
   * attempt looks the order up by its key before placing it again.
   */
  readonly retryable: boolean = true
  /** The least wait before trying again, when the platform said (Retry-After). */
  readonly retryAfterMs: number | null = null
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.source = source
  }
}

/** The platform said "slow down". `retryAfterMs` comes from Retry-After or the platform's reset header. */
export class RateLimited extends ConnectorError {
  override readonly code = 'rate_limited'
  override readonly retryable = true
  override readonly retryAfterMs: number | null
  readonly detail: string
  constructor(source: string, retryAfterMs: number | null, detail = 'rate limited') {
    super(
      source,
      `${source}: ${detail}${retryAfterMs !== null ? ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)` : ''}`
    )
    this.retryAfterMs = retryAfterMs
    this.detail = detail
  }
}

/**
 * A challenge page, CAPTCHA, bot check, login wall or robots.txt refusal.
 * HDTickets never works around these (DESIGN §1): the source is paused and
 * an operator is told. Never retried in a loop.
 */
export class SourceBlocked extends ConnectorError {
  override readonly code = 'source_blocked'
  override readonly retryable = false
  readonly reason: string
  /**
   * challenge: a CAPTCHA / bot check / login wall / edge filter; denied: an
   * anonymous 401/403; robots and ssrf: our own policy refused the URL;
   * redirect: a redirect to a non-http(s) URL.
   */
  readonly kind: 'challenge' | 'denied' | 'robots' | 'ssrf' | 'redirect'
  constructor(source: string, reason: string, kind: SourceBlocked['kind'] = 'challenge') {
    super(source, `${source}: source blocked: ${reason}`)
    this.reason = reason
    this.kind = kind
  }

  /** The site itself keeps HDTickets out: an operator should know about that host */
  get flagsHost(): boolean {
    return this.kind === 'challenge' || this.kind === 'denied'
  }
}

/**
 * The payload did not match the platform's schema. Nothing is written. A
 * `platform_error`, retryable: after an order call its outcome is unknown.
 */
export class InvalidPayload extends ConnectorError {
  readonly endpoint: string | null
  readonly eventRef: string | null
  readonly path: string
  readonly reason: string
  constructor(details: {
    source: string
    endpoint?: string | null
    eventRef?: string | null
    path: string
    reason: string
  }) {
    super(
      details.source,
      `${details.source}: invalid payload${details.endpoint ? ` from ${details.endpoint}` : ''}${
        details.eventRef ? ` for event ${details.eventRef}` : ''
      } at ${details.path || '$'}: ${details.reason}`
    )
    this.endpoint = details.endpoint ?? null
    this.eventRef = details.eventRef ?? null
    this.path = details.path
    this.reason = details.reason
  }
}

/** The platform refused the credential (401/403 on an authenticated call). */
export class CredentialRejected extends ConnectorError {
  override readonly code = 'credential_rejected'
  override readonly retryable = false
  constructor(source: string, detail = 'credential rejected') {
    super(source, `${source}: ${detail}`)
  }
}

/** 5xx, timeouts, resets, open circuit: try later. */
export class Unavailable extends ConnectorError {
  override readonly code = 'unavailable'
  override readonly retryable = true
  override readonly retryAfterMs: number | null
  constructor(
    source: string,
    detail: string,
    retryAfterMs: number | null = null,
    options?: { cause?: unknown }
  ) {
    super(source, `${source}: unavailable: ${detail}`, options)
    this.retryAfterMs = retryAfterMs
  }
}

/** The event no longer exists on the platform (404): mark it gone, no error storm. */
export class EventGone extends ConnectorError {
  override readonly code = 'event_gone'
  override readonly retryable = false
  readonly eventRef: string
  constructor(source: string, eventRef: string) {
    super(source, `${source}: event ${eventRef} is gone`)
    this.eventRef = eventRef
  }
}

/** The platform refused an order for a reason that will not change on retry; `code` is the platform's. */
export class OrderRejected extends ConnectorError {
  override readonly code: string
  override readonly retryable = false
  constructor(source: string, code: string, detail: string) {
    super(source, `${source}: order rejected (${code}): ${detail}`)
    this.code = code
  }
}
