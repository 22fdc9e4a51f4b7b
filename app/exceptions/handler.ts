import app from '@adonisjs/core/services/app'
import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import { errors as vineErrors } from '@vinejs/vine'
import { errors as authErrors } from '@adonisjs/auth'
import { errors as bouncerErrors } from '@adonisjs/bouncer'
import { errors as limiterErrors } from '@adonisjs/limiter'
import {
  ApiException,
  CATALOGUE,
  apiErrors,
  isErrorCode,
  type ErrorCode,
} from '#exceptions/catalogue'
import { isRedisOutage } from '#services/redis_connections'

/** Seconds a client is asked to wait while Redis reconnects. */
const OUTAGE_RETRY_AFTER = '5'

/** What a request that needed Redis answers while Redis is away: a 503, never a 500. */
function redisUnavailable() {
  return new apiErrors.E_SERVICE_UNAVAILABLE(
    'The job queue and rate-limit store (Redis) cannot be reached right now, so nothing was done. Try again in a few seconds.'
  )
}

export interface ApiError {
  code: ErrorCode
  message: string
  field?: string
  rule?: string
}

export interface ApiErrorAnswer {
  status: number
  errors: ApiError[]
  headers?: Record<string, string>
}

/** One error of the catalogue, at its status. */
function one(code: ErrorCode, message: string, field?: string): ApiErrorAnswer {
  return {
    status: CATALOGUE[code].status,
    errors: [{ code, message, ...(field ? { field } : {}) }],
  }
}

/**
 * The code an error of the framework (or a library) is answered with when
 * its own code is not in the catalogue: the catalogue's code for its status.
 * A status the catalogue has no general code for is answered as a 400.
 */
const CODE_FOR_STATUS: Record<number, ErrorCode> = {
  400: 'E_BAD_REQUEST',
  401: 'E_UNAUTHORIZED',
  403: 'E_FORBIDDEN',
  413: 'E_REQUEST_ENTITY_TOO_LARGE',
  415: 'E_UNSUPPORTED_MEDIA_TYPE',
  422: 'E_VALIDATION',
  429: 'E_TOO_MANY_REQUESTS',
}

/**
 * What a JSON client receives for an error: `{ errors: [{ code, message,
 * field?, rule? }] }` at the status of the code, always a catalogue code.
 * Every 404 is `E_NOT_FOUND` "Not found"; every 5xx but a catalogue 503 is
 * `E_INTERNAL` (internals never leave the server).
 */
export function apiErrorsFor(error: any): ApiErrorAnswer {
  if (error instanceof vineErrors.E_VALIDATION_ERROR) {
    return {
      status: CATALOGUE.E_VALIDATION.status,
      errors: error.messages.map((m: any) => ({
        code: 'E_VALIDATION',
        field: m.field,
        rule: m.rule,
        message: m.message,
      })),
    }
  }
  if (error instanceof authErrors.E_UNAUTHORIZED_ACCESS) {
    return one('E_UNAUTHORIZED', 'Authentication required')
  }
  if (error instanceof authErrors.E_INVALID_CREDENTIALS) {
    return one('E_INVALID_CREDENTIALS', 'Invalid email or password')
  }
  if (error instanceof bouncerErrors.E_AUTHORIZATION_FAILURE) {
    return one('E_FORBIDDEN', 'You are not allowed to do this')
  }
  if (error instanceof limiterErrors.E_TOO_MANY_REQUESTS) {
    const retryAfter = String(error.response.availableIn)
    return {
      ...one('E_TOO_MANY_REQUESTS', `Too many requests; retry in ${retryAfter} s`),
      headers: { 'retry-after': retryAfter },
    }
  }
  const status = typeof error?.status === 'number' ? error.status : 500
  if (status === 404 || error?.code === 'E_ROUTE_NOT_FOUND' || error?.code === 'E_ROW_NOT_FOUND') {
    return one('E_NOT_FOUND', 'Not found')
  }
  if (error?.code === 'E_BAD_CSRF_TOKEN') {
    return one('E_BAD_CSRF_TOKEN', 'Invalid or missing CSRF token')
  }
  if (error instanceof ApiException && error.status === 503) {
    return {
      ...one(error.code, error.message),
      headers: { 'retry-after': OUTAGE_RETRY_AFTER },
    }
  }
  if (status >= 500) return one('E_INTERNAL', 'Internal server error')
  const code: ErrorCode = isErrorCode(error?.code)
    ? error.code
    : (CODE_FOR_STATUS[status] ?? 'E_BAD_REQUEST')
  return one(code, error?.message ?? 'Bad request', error?.field || undefined)
}

/**
 * One place turns errors into responses.
 * - JSON clients (/api/*, Accept: application/json) get one envelope:
 *   `{ errors: [{ code, message, field?, rule? }] }`.
 * - Pages get Inertia error pages, and validation errors flashed back to
 *   the form beside each field.
 * Internal details (stack, SQL, secrets) never reach a response in production.
 */
function isInertia(ctx: HttpContext) {
  return Boolean(ctx.request.header('x-inertia'))
}

/** Validation errors for the form, by field; each message short enough for a session cookie. */
export function flashErrors(ctx: HttpContext, messages: Array<{ field: string; message: string }>) {
  const bag: Record<string, string[]> = {}
  for (const { field, message } of messages.slice(0, 50))
    (bag[field.slice(0, 120)] ??= []).push(String(message).slice(0, 300))
  ctx.session.flash('inputErrorsBag', bag)
}

export default class HttpExceptionHandler extends ExceptionHandler {
  protected debug = !app.inProduction && !app.inTest
  protected renderStatusPages = app.inProduction || app.inTest

  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '404': (error, { inertia, response }) => {
      response.status(404)
      return inertia.render('errors/not_found', { message: error.message })
    },
    '403': (error, { inertia, response }) => {
      response.status(403)
      return inertia.render('errors/forbidden', { message: error.message })
    },
    '500..599': (error, { inertia, response }) => {
      response.status(error.status)
      return inertia.render('errors/server_error', {
        /** An ApiException's message is written for users; other errors may hold internals. */
        message:
          error instanceof ApiException || !app.inProduction
            ? error.message
            : 'Something went wrong',
      })
    },
  }

  private wantsJson(ctx: HttpContext) {
    const url = ctx.request.url()
    if (url.startsWith('/api/') || url.startsWith('/health') || url.startsWith('/metrics'))
      return true
    if (ctx.request.header('x-inertia')) return false
    const accept = ctx.request.header('accept') ?? ''
    return accept.includes('application/json') && !accept.includes('text/html')
  }

  async handle(error: any, ctx: HttpContext) {
    if (isRedisOutage(error)) {
      error = redisUnavailable()
      ctx.response.header('retry-after', OUTAGE_RETRY_AFTER)
    }
    if (this.wantsJson(ctx)) {
      const { status, errors, headers } = apiErrorsFor(error)
      for (const [name, value] of Object.entries(headers ?? {})) ctx.response.header(name, value)
      return ctx.response.status(status).send({ errors })
    }
    if (error?.code === 'E_BAD_CSRF_TOKEN') {
      return ctx.response
        .status(403)
        .send('Invalid or missing CSRF token. Reload the page and try again.')
    }
    if (error instanceof vineErrors.E_VALIDATION_ERROR && ctx.session && isInertia(ctx)) {
      /**
       * An Inertia form keeps what was typed: only the errors go back. Flashing
       * the input too put a 3,000-character field into the session cookie,
       * which the browser then dropped — and the errors with it, silently.
       */
      flashErrors(ctx, error.messages)
      return ctx.response.redirect().back()
    }
    if (error instanceof ApiException && error.status === 422 && error.field && ctx.session) {
      /** A domain refusal about one input: back to the form, shown beside that field. */
      if (!isInertia(ctx))
        ctx.session.flashExcept([
          'password',
          'passwordConfirmation',
          'currentPassword',
          'credentials',
        ])
      flashErrors(ctx, [{ field: error.field, message: error.message }])
      return ctx.response.redirect().back()
    }
    if (error?.code === 'E_ROW_NOT_FOUND') {
      error.status = 404
    }
    if (error instanceof bouncerErrors.E_AUTHORIZATION_FAILURE) {
      /** Bouncer would redirect back with a flash; a page that is not allowed is a 403 page. */
      ctx.response.status(403)
      return ctx.inertia.render('errors/forbidden', { message: 'Your role does not allow this.' })
    }
    return super.handle(error, ctx)
  }

  async report(error: unknown, ctx: HttpContext) {
    /** The outage itself is logged once, when it starts (#services/redis_connections). */
    if (isRedisOutage(error)) return
    return super.report(error, ctx)
  }
}
