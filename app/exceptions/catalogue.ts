/**
 * The error catalogue: every code the app answers with, its one HTTP status
 * and what it means. The OpenAPI document lists it (the Error schema's
 * `code` enum and its table), and a test holds the source to it: an `E_…`
 * string anywhere in the server code must name an entry here (or one of the
 * INTERNAL_CODES below), so a new free-string code cannot creep in.
 *
 * Each code is a class, the framework's way (`Exception` with a static
 * `code` and `status`), reached as `apiErrors.E_…` like the framework's own
 * packages (`apiErrors.E_ROW_NOT_FOUND` of Lucid):
 *
 *   import { apiErrors } from '#exceptions/catalogue'
 *   throw new apiErrors.E_NOT_FOUND('No such event')
 *   throw new apiErrors.E_VALIDATION('"eventId" must be a whole number', 'eventId')
 *
 * The message is the user's (their words, their units); the field, when the
 * error is about one input, names it. An error that carries more facts
 * extends its code's class (`IllegalTransition` in #purchasing/state_machine).
 *
 * Codes with status 422 double as field-level codes: the channel and
 * preference validators return `{ field, code, message }` lists of them
 * (`FieldErrorCode`), answered together in one 422.
 */
import { Exception } from '@adonisjs/core/exceptions'

interface Entry {
  readonly status: number
  readonly meaning: string
}

export const CATALOGUE = {
  // 400: the request itself is unusable
  E_BAD_REQUEST: {
    status: 400,
    meaning:
      'The request could not be read (e.g. a body that is not valid JSON), or a transport endpoint was called without what it needs',
  },
  E_INVALID_CREDENTIALS: { status: 400, meaning: 'Sign-in with a wrong email or password' },
  E_INVALID_CURSOR: {
    status: 400,
    meaning:
      'The `cursor` was not given out by this list, or was issued for another sort (`field` names it)',
  },

  // 401, 403: who you are, what you may do
  E_UNAUTHORIZED: {
    status: 401,
    meaning: 'No valid session or access token, or the account is disabled',
  },
  E_FORBIDDEN: { status: 403, meaning: 'Your role does not allow this' },
  E_TOKEN_ABILITY: {
    status: 403,
    meaning:
      'The access token lacks the ability the operation needs, or your role no longer allows it',
  },
  E_BAD_CSRF_TOKEN: { status: 403, meaning: 'A form was sent without a valid CSRF token' },
  E_SIGNUP_DISABLED: { status: 403, meaning: 'Sign-up is disabled on this deployment' },
  E_MANAGER_APPROVAL_REQUIRED: {
    status: 403,
    meaning: 'The deployment requires a manager to approve purchases',
  },

  // 404
  E_NOT_FOUND: {
    status: 404,
    meaning:
      'No such thing, or not yours. Every 404 answers this code with "Not found" in the JSON envelope',
  },
  E_LISTING_NOT_FOUND: {
    status: 404,
    meaning: 'No such listing (answered as E_NOT_FOUND in the JSON envelope)',
  },
  E_NO_EVENT_PAGE: {
    status: 404,
    meaning:
      'The platform gave no event page to open (answered as E_NOT_FOUND in the JSON envelope)',
  },

  // 409: conflicts with the current state
  E_ILLEGAL_TRANSITION: {
    status: 409,
    meaning: 'The purchase request is no longer in a state that allows this move',
  },
  E_DUPLICATE_REQUEST: {
    status: 409,
    meaning: 'You already have an open purchase request for this listing',
  },
  E_IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    meaning: 'The Idempotency-Key was used before for a different request',
  },
  E_PURCHASE_IN_FLIGHT: {
    status: 409,
    meaning: 'The order is being placed; the request can no longer be cancelled',
  },

  // 413, 415: the body
  E_REQUEST_ENTITY_TOO_LARGE: {
    status: 413,
    meaning: 'The body is larger than the server takes (1 MB of JSON)',
  },
  E_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    meaning: 'The body is not in a content type the operation takes',
  },
  E_ENCODING_UNSUPPORTED: {
    status: 415,
    meaning: 'The body is in a content encoding the server does not read',
  },

  // 422: input refused, `field` names it
  E_VALIDATION: { status: 422, meaning: 'An input is invalid' },
  E_UNKNOWN_FIELD: {
    status: 422,
    meaning: 'A query parameter or body field the operation does not take',
  },
  E_UNKNOWN_PLATFORM: { status: 422, meaning: 'No platform has that slug' },
  E_PLATFORM_DISABLED: { status: 422, meaning: 'The platform is disabled on this deployment' },
  E_NO_DISCOVERY: { status: 422, meaning: 'The platform cannot search events' },
  E_BAD_REFERENCE: {
    status: 422,
    meaning: 'Neither an event URL nor `<platform>:<event id>`',
  },
  E_PLATFORM: {
    status: 422,
    meaning: 'The platform failed or refused the lookup; the message says what it answered',
  },
  E_SOURCE_GONE: { status: 422, meaning: 'The event is gone from the platform' },
  E_SOURCE_NOT_ACTIVE: { status: 422, meaning: 'The source is paused or blocked: resume it first' },
  E_CREDENTIAL_REJECTED: { status: 422, meaning: 'The platform refused the credentials' },
  E_ACCOUNT_EXISTS: {
    status: 422,
    meaning: 'An account on that platform is linked already (one per platform)',
  },
  E_ACCOUNT_NOT_LINKED: {
    status: 422,
    meaning: 'Link an account on the platform before buying there',
  },
  E_ACCOUNT_REJECTED: {
    status: 422,
    meaning: 'The platform refused the linked credentials: replace them first',
  },
  E_LISTING_GONE: { status: 422, meaning: 'The listing is no longer offered' },
  E_CHECKOUT_UNSUPPORTED: {
    status: 422,
    meaning: 'The platform has no order API: use purchase assist and record the purchase',
  },
  E_CARD_NUMBER_REFUSED: {
    status: 422,
    meaning: 'A payment reference that looks like a card number (never stored)',
  },
  E_INVALID_QUANTITY: { status: 422, meaning: 'The quantity is not a whole number of at least 1' },
  E_PLATFORM_LIMIT: { status: 422, meaning: "More tickets than the platform's per-order limit" },
  E_QUANTITY_UNAVAILABLE: { status: 422, meaning: 'Fewer tickets are left in the listing' },
  E_INVALID_SPLIT: {
    status: 422,
    meaning: 'The listing does not sell that many tickets at a time',
  },
  E_NO_PRICE: { status: 422, meaning: 'The listing has no price' },
  E_PRICE_ABOVE_MAX: { status: 422, meaning: 'The listing costs more than your maximum' },
  E_BUDGET_EXCEEDED: { status: 422, meaning: 'The purchase would break one of your budget caps' },
  E_REQUIRED: { status: 422, meaning: 'A required setting is missing' },
  E_INVALID_CONFIG: { status: 422, meaning: 'The channel settings are not an object' },
  E_INVALID_KIND: { status: 422, meaning: 'Not a channel kind' },
  E_KIND_UNAVAILABLE: { status: 422, meaning: 'The channel kind is not configured on this server' },
  E_INVALID_EMAIL: { status: 422, meaning: 'Not an email address' },
  E_INVALID_PHONE: { status: 422, meaning: 'Not an E.164 phone number' },
  E_INVALID_URL: { status: 422, meaning: 'Not a valid URL' },
  E_INSECURE_URL: { status: 422, meaning: 'The URL must be https' },
  E_PRIVATE_URL: {
    status: 422,
    meaning: 'The URL points at a private or loopback address an operator has not allowed',
  },
  E_INVALID_SLACK_URL: { status: 422, meaning: 'Not a Slack incoming-webhook URL' },
  E_INVALID_DISCORD_URL: { status: 422, meaning: 'Not a Discord webhook URL' },
  E_WEAK_SECRET: {
    status: 422,
    meaning: 'The webhook signing secret is not 16 to 200 characters without spaces',
  },
  E_INVALID_PUSH_KEY: { status: 422, meaning: 'A web-push subscription key is malformed' },
  E_INVALID_PUSH_SUBSCRIPTION: { status: 422, meaning: 'The web-push subscription is malformed' },
  E_INVALID_CHANNELS: { status: 422, meaning: 'A list of channel ids is expected' },
  E_UNKNOWN_CHANNEL: { status: 422, meaning: 'A channel that is not yours' },
  E_UNKNOWN_TYPE: { status: 422, meaning: 'Not a notification type' },
  E_INVALID_TIME_ZONE: { status: 422, meaning: 'Not an IANA time zone' },
  E_INVALID_TIME: { status: 422, meaning: 'Not a 24-hour "HH:MM" time' },
  E_OUT_OF_RANGE: { status: 422, meaning: 'A number outside its allowed range' },

  // 429
  E_TOO_MANY_REQUESTS: { status: 429, meaning: 'Rate limited: retry after `Retry-After` seconds' },

  // 5xx
  E_INTERNAL: { status: 500, meaning: 'An unexpected error (details are logged, never sent)' },
  E_SERVICE_UNAVAILABLE: {
    status: 503,
    meaning:
      'A service the deployment depends on (Redis, in the scaled mode) is unreachable: nothing was done; retry after `Retry-After` seconds',
  },
  E_PLATFORM_UNAVAILABLE: {
    status: 503,
    meaning: 'The platform could not be reached to check the credentials: try again later',
  },
} as const satisfies Record<`E_${string}`, Entry>

export type ErrorCode = keyof typeof CATALOGUE

/** The codes a 422 list of `{ field, code, message }` may carry. */
export type FieldErrorCode = {
  [C in ErrorCode]: (typeof CATALOGUE)[C]['status'] extends 422 ? C : never
}[ErrorCode]

/**
 * Codes that appear in server code but never in a response: the
 * framework's, which the exception handler answers as E_NOT_FOUND, the lock
 * package's, which the dispatcher matches, and the SSRF guard's DNS-lookup
 * error, which the transport turns into `SourceBlocked`.
 */
export const INTERNAL_CODES = [
  'E_ROUTE_NOT_FOUND',
  'E_ROW_NOT_FOUND',
  'E_LOCK_NOT_OWNED',
  'E_SSRF_REFUSED',
] as const

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(CATALOGUE, code)
}

/**
 * An error the API and the pages show as is: a catalogue code, the code's
 * HTTP status and, where it is about one input, the field. Throw one of
 * `apiErrors.E_…`; `new ApiException(code, message, status, field)` is the
 * older form, kept for the call sites not converted yet: the status comes
 * from the catalogue, whatever the call site passes.
 */
export class ApiException extends Exception {
  declare code: ErrorCode
  readonly field?: string

  constructor(code: ErrorCode, message: string, _status?: number, field?: string) {
    super(message, { code, status: CATALOGUE[code].status })
    this.field = field
  }
}

/** One code's class: `new apiErrors.E_NOT_FOUND(message, field?)`. */
export interface ApiErrorClass<C extends ErrorCode> {
  new (message: string, field?: string): ApiException & { code: C }
  readonly code: C
  readonly status: (typeof CATALOGUE)[C]['status']
  readonly meaning: string
}

function define<C extends ErrorCode>(code: C): ApiErrorClass<C> {
  const { status, meaning } = CATALOGUE[code]
  const ErrorClass = class extends ApiException {
    static readonly code = code
    static readonly status = status
    static readonly meaning = meaning
    constructor(message: string, field?: string) {
      super(code, message, status, field)
    }
  }
  /** Logs keep saying "ApiException [E_…]: message", as before the catalogue. */
  Object.defineProperty(ErrorClass, 'name', { value: 'ApiException' })
  return ErrorClass as unknown as ApiErrorClass<C>
}

export const apiErrors = Object.fromEntries(
  (Object.keys(CATALOGUE) as ErrorCode[]).map((code) => [code, define(code)])
) as { readonly [C in ErrorCode]: ApiErrorClass<C> }
