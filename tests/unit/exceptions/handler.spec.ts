/**
 * What JSON clients receive for an error (apiErrorsFor in
 * app/exceptions/handler.ts): always a catalogue code, at that code's status,
 * whatever threw — the app, the framework or a library.
 */
import { test } from '@japa/runner'
import { Exception } from '@adonisjs/core/exceptions'
import { errors as vineErrors } from '@vinejs/vine'
import { errors as authErrors } from '@adonisjs/auth'
import { errors as bouncerErrors, AuthorizationResponse } from '@adonisjs/bouncer'
import { errors as limiterErrors, LimiterResponse } from '@adonisjs/limiter'
import { errors as lucidErrors } from '@adonisjs/lucid'
import { CATALOGUE, apiErrors, isErrorCode, type ErrorCode } from '#exceptions/catalogue'
import { apiErrorsFor } from '#exceptions/handler'

function jsonParseError() {
  try {
    JSON.parse('{ not json')
  } catch (error) {
    /** What the body parser throws for a body that is not JSON. */
    return Object.assign(error as Error, { status: 400 })
  }
  throw new Error('unreachable')
}

test.group('Exception handler: the JSON envelope', () => {
  test('every error is answered with a catalogue code at its status', ({ assert }) => {
    const cases: Array<[string, unknown, ErrorCode, number]> = [
      [
        'vine validation',
        new vineErrors.E_VALIDATION_ERROR([
          { field: 'name', message: 'Enter a name', rule: 'required' },
        ]),
        'E_VALIDATION',
        422,
      ],
      [
        'no session',
        new authErrors.E_UNAUTHORIZED_ACCESS('Unauthorized', { guardDriverName: 'session' }),
        'E_UNAUTHORIZED',
        401,
      ],
      ['wrong password', new authErrors.E_INVALID_CREDENTIALS('x'), 'E_INVALID_CREDENTIALS', 400],
      [
        'policy refusal',
        new bouncerErrors.E_AUTHORIZATION_FAILURE(AuthorizationResponse.deny()),
        'E_FORBIDDEN',
        403,
      ],
      [
        'rate limited',
        new limiterErrors.E_TOO_MANY_REQUESTS(
          new LimiterResponse({ limit: 1, remaining: 0, consumed: 2, availableIn: 30 })
        ),
        'E_TOO_MANY_REQUESTS',
        429,
      ],
      ['row not found', new lucidErrors.E_ROW_NOT_FOUND(), 'E_NOT_FOUND', 404],
      [
        'any 404 of the app',
        new apiErrors.E_LISTING_NOT_FOUND('No such listing'),
        'E_NOT_FOUND',
        404,
      ],
      [
        'CSRF',
        new Exception('Invalid CSRF token', { code: 'E_BAD_CSRF_TOKEN', status: 403 }),
        'E_BAD_CSRF_TOKEN',
        403,
      ],
      [
        'body too large',
        new Exception('request entity too large', {
          code: 'E_REQUEST_ENTITY_TOO_LARGE',
          status: 413,
        }),
        'E_REQUEST_ENTITY_TOO_LARGE',
        413,
      ],
      ['body not JSON', jsonParseError(), 'E_BAD_REQUEST', 400],
      [
        'JSON that is not an object or array',
        new Exception('Invalid JSON, only supports object and array', { status: 422 }),
        'E_VALIDATION',
        422,
      ],
      [
        'a foreign code',
        new Exception('Invalid multipart request', {
          code: 'E_INVALID_MULTIPART_REQUEST',
          status: 400,
        }),
        'E_BAD_REQUEST',
        400,
      ],
      ['a foreign status', new Exception('Gone', { status: 410 }), 'E_BAD_REQUEST', 400],
      ['a crash', new Error('SQLITE_BUSY: database is locked'), 'E_INTERNAL', 500],
      ['a foreign 502', new Exception('Bad gateway', { status: 502 }), 'E_INTERNAL', 500],
      [
        'Redis away',
        new apiErrors.E_SERVICE_UNAVAILABLE('Try again in a few seconds'),
        'E_SERVICE_UNAVAILABLE',
        503,
      ],
      ...(Object.keys(CATALOGUE) as ErrorCode[])
        .filter((code) => CATALOGUE[code].status !== 404 && CATALOGUE[code].status < 500)
        .map((code): [string, unknown, ErrorCode, number] => [
          code,
          new apiErrors[code]('m'),
          code,
          CATALOGUE[code].status,
        ]),
    ]
    for (const [name, error, code, status] of cases) {
      const answer = apiErrorsFor(error)
      assert.equal(answer.status, status, name)
      assert.isAbove(answer.errors.length, 0, name)
      for (const entry of answer.errors) {
        assert.equal(entry.code, code, name)
        assert.isTrue(isErrorCode(entry.code), name)
        assert.equal(CATALOGUE[entry.code].status, answer.status, name)
      }
    }
  })

  test('messages and fields stay the thrower’s; internals stay on the server', ({ assert }) => {
    assert.deepEqual(
      apiErrorsFor(new apiErrors.E_UNKNOWN_FIELD('Unknown field "admin"', 'admin')),
      {
        status: 422,
        errors: [{ code: 'E_UNKNOWN_FIELD', message: 'Unknown field "admin"', field: 'admin' }],
      }
    )
    assert.deepEqual(apiErrorsFor(new Error('SELECT secret FROM users')), {
      status: 500,
      errors: [{ code: 'E_INTERNAL', message: 'Internal server error' }],
    })
    assert.deepEqual(
      apiErrorsFor(new apiErrors.E_PLATFORM_UNAVAILABLE('Try later', 'credentials')),
      {
        status: 503,
        errors: [{ code: 'E_PLATFORM_UNAVAILABLE', message: 'Try later' }],
        headers: { 'retry-after': '5' },
      }
    )
  })
})
