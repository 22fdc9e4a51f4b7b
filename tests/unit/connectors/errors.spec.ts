/**
 * Connector errors say what a caller needs to decide (#connectors/errors): a
 * stable code and whether trying again later can succeed. The purchase
 * executor retries on `retryable` and stores `code`; it tests no classes.
 */
import { test } from '@japa/runner'
import {
  ConnectorError,
  CredentialRejected,
  EventGone,
  InvalidPayload,
  OrderRejected,
  RateLimited,
  SourceBlocked,
  Unavailable,
} from '#connectors/errors'

test.group('Connector errors', () => {
  test('each class has a stable code and says whether a retry can succeed', ({ assert }) => {
    const cases: Array<[ConnectorError, string, boolean, number | null]> = [
      [new RateLimited('sandbox', 30_000), 'rate_limited', true, 30_000],
      [new RateLimited('sandbox', null), 'rate_limited', true, null],
      [new Unavailable('sandbox', 'timeout', 5_000), 'unavailable', true, 5_000],
      [new Unavailable('sandbox', 'reset'), 'unavailable', true, null],
      [
        new InvalidPayload({ source: 'sandbox', path: 'total', reason: 'not a number' }),
        'platform_error',
        true,
        null,
      ],
      [new ConnectorError('sandbox', 'something odd'), 'platform_error', true, null],
      [new SourceBlocked('sandbox', 'CAPTCHA page'), 'source_blocked', false, null],
      [new CredentialRejected('sandbox'), 'credential_rejected', false, null],
      [new EventGone('sandbox', '2000001'), 'event_gone', false, null],
      [
        new OrderRejected('sandbox', 'insufficient_quantity', 'only 2 left'),
        'insufficient_quantity',
        false,
        null,
      ],
    ]
    for (const [error, code, retryable, retryAfterMs] of cases) {
      assert.equal(error.code, code, error.message)
      assert.equal(error.retryable, retryable, error.message)
      assert.equal(error.retryAfterMs, retryAfterMs, error.message)
      assert.equal(error.source, 'sandbox')
    }
  })
})
