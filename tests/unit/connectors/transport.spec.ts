import { test } from '@japa/runner'
import { InvalidPayload, RateLimited, SourceBlocked, Unavailable } from '#connectors/errors'
import { HttpTransport } from '#connectors/transport/http_transport'
import { InMemoryRateLimiter, parseQuotaHeaders } from '#connectors/transport/rate_limiter'
import { backoffDelay, parseRetryAfter } from '#connectors/transport/retry_after'
import { describeUrl, redactUrl } from '#connectors/transport/redact'
import { toMinorUnits } from '#connectors/transport/money'
import { honestUserAgent } from '#connectors/transport/user_agent'
import { toCountryCode, toSecondPrecisionUtc } from '#connectors/transport/dates'
import { detectChallenge } from '#connectors/transport/challenge'
import { FakeClock, TEST_USER_AGENT, testTransport } from '#tests/connectors/helpers/transport'
import { CLOUDFLARE_PAGE, FixtureServer } from '#tests/connectors/helpers/fixture_server'

test.group('transport: building blocks', () => {
  test('token bucket per second and a rolling daily quota', async ({ assert }) => {
    const clock = new FakeClock(0)
    const limiter = new InMemoryRateLimiter({ clock })
    const limits = { requestsPerSecond: 1, requestsPerDay: 3 }
    assert.deepEqual(await limiter.tryAcquire('k', limits), { granted: true })
    assert.deepEqual(await limiter.tryAcquire('k', limits), {
      granted: false,
      retryAfterMs: 1000,
      reason: 'per-second',
    })
    clock.advance(1000)
    assert.isTrue((await limiter.tryAcquire('k', limits)).granted)
    clock.advance(1000)
    assert.isTrue((await limiter.tryAcquire('k', limits)).granted)
    clock.advance(1000)
    const denied = await limiter.tryAcquire('k', limits)
    assert.deepEqual(denied, { granted: false, retryAfterMs: 86_400_000 - 3000, reason: 'per-day' })
    assert.isTrue((await limiter.tryAcquire('other-key', limits)).granted, 'keys are independent')
  })

  test('fractional rates (0.2/s = one per 5 s) and platform quota observations', async ({
    assert,
  }) => {
    const clock = new FakeClock(0)
    const limiter = new InMemoryRateLimiter({ clock })
    const slow = { requestsPerSecond: 0.2, requestsPerDay: null }
    assert.isTrue((await limiter.tryAcquire('j', slow)).granted)
    assert.deepEqual(await limiter.tryAcquire('j', slow), {
      granted: false,
      retryAfterMs: 5000,
      reason: 'per-second',
    })
    await limiter.observe('j', { remaining: 0, resetAt: 60_000 })
    clock.advance(5000)
    assert.deepEqual(await limiter.tryAcquire('j', slow), {
      granted: false,
      retryAfterMs: 55_000,
      reason: 'platform-quota',
    })
  })

  test('quota headers: Ticketmaster epoch ms, IETF delta seconds', ({ assert }) => {
    assert.deepEqual(
      parseQuotaHeaders({ 'rate-limit-available': '4723', 'rate-limit-reset': '1457417554290' }, 0),
      { remaining: 4723, resetAt: 1457417554290 }
    )
    assert.deepEqual(
      parseQuotaHeaders({ 'ratelimit-remaining': '9', 'ratelimit-reset': '30' }, 1000),
      { remaining: 9, resetAt: 31_000 }
    )
    assert.isNull(parseQuotaHeaders({}, 0))
  })

  test('Retry-After as seconds or an HTTP date; jittered backoff stays within bounds', ({
    assert,
  }) => {
    const now = Date.parse('2025-11-20T12:00:00Z')
    assert.equal(parseRetryAfter('120', now), 120_000)
    assert.equal(parseRetryAfter('Thu, 20 Nov 2025 12:00:30 GMT', now), 30_000)
    assert.isNull(parseRetryAfter('soon', now))
    for (const random of [0, 0.5, 0.999]) {
      const delay = backoffDelay(3, 100, 5000, () => random)
      assert.isAtLeast(delay, 400)
      assert.isAtMost(delay, 800)
    }
    assert.isAtMost(
      backoffDelay(20, 100, 5000, () => 1),
      5000
    )
  })

  test('secrets are redacted from URLs; error text shows origin + path only', ({ assert }) => {
    const url =
      'https://app.ticketmaster.com/discovery/v2/events.json?apikey=SECRET&size=1&client_secret=S2&client_id=ID'
    const redacted = redactUrl(url)
    assert.notInclude(redacted, 'SECRET')
    assert.notInclude(redacted, 'S2')
    assert.notInclude(redacted, '=ID')
    assert.include(redacted, 'size=1')
    assert.equal(describeUrl(url), 'https://app.ticketmaster.com/discovery/v2/events.json')
  })

  test('money: decimal → integer minor units by the currency exponent, no float drift', ({
    assert,
  }) => {
    assert.equal(toMinorUnits('13.00', 'USD'), 1300)
    assert.equal(toMinorUnits(54.0, 'USD'), 5400)
    assert.equal(toMinorUnits(1.005, 'USD'), 101)
    assert.equal(toMinorUnits(0.1 + 0.2, 'EUR'), 30)
    assert.equal(toMinorUnits(5000, 'JPY'), 5000)
    assert.equal(toMinorUnits('12.345', 'KWD'), 12345)
    assert.equal(toMinorUnits(0, 'SEK'), 0)
    assert.throws(() => toMinorUnits('$13', 'USD'))
    assert.throws(() => toMinorUnits(1, 'XX'))
  })

  test('honest User-Agent only; TM date format; country names; challenge markers', ({ assert }) => {
    assert.equal(
      honestUserAgent('1.2.3', 'https://tickets.example.org/'),
      'HDTickets/1.2.3 (+https://tickets.example.org)'
    )
    assert.throws(() => honestUserAgent('1.0', 'ftp://x'))
    assert.throws(
      () => new HttpTransport({ userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)' })
    )
    assert.equal(toSecondPrecisionUtc('2025-01-02T03:04:05.678Z'), '2025-01-02T03:04:05Z')
    assert.equal(toCountryCode('United States Of America'), 'US')
    assert.equal(toCountryCode('Brazil'), 'BR')
    assert.equal(toCountryCode('United Kingdom'), 'GB')
    assert.isNull(toCountryCode('Atlantis'))
    assert.equal(detectChallenge(CLOUDFLARE_PAGE), 'Cloudflare challenge page')
    assert.isNull(detectChallenge('<html><body>Lakers v Celtics</body></html>'))
  })
})

test.group('transport: over HTTP', (group) => {
  let server: FixtureServer
  let clock: FakeClock
  let transport: HttpTransport
  group.each.setup(async () => {
    server = await new FixtureServer().start()
    clock = new FakeClock()
    transport = testTransport(clock, {
      breaker: { minimumRequests: 2, failureRate: 0.5, cooldownMs: 30_000 },
    })
    return async () => {
      await transport.close()
      await server.close()
    }
  })

  const get = (path: string, extra: Record<string, unknown> = {}) =>
    transport.request({ source: 'demo', url: `${server.origin}${path}`, expect: 'json', ...extra })

  test('sends the honest User-Agent and accept-encoding; never a randomised header', async ({
    assert,
  }) => {
    server.on('GET /a', { body: { ok: true } })
    await get('/a')
    await get('/a')
    const [first, second] = server.requests
    assert.equal(first.headers['user-agent'], TEST_USER_AGENT)
    assert.equal(second.headers['user-agent'], TEST_USER_AGENT)
    assert.deepEqual(first.headers, { ...second.headers })
  })

  test('ETag / If-Modified-Since: a 304 is answered from the cache', async ({ assert }) => {
    server.on('GET /c', (req) =>
      req.headers['if-none-match'] === '"v1"'
        ? { status: 304, body: '' }
        : {
            body: { version: 1 },
            headers: { 'etag': '"v1"', 'last-modified': 'Wed, 19 Nov 2025 10:00:00 GMT' },
          }
    )
    const first = await get('/c', { conditional: true })
    const second = await get('/c', { conditional: true })
    assert.isFalse(first.fromCache)
    assert.isTrue(second.fromCache)
    assert.deepEqual(second.json, { version: 1 })
    assert.equal(
      server.last('GET /c').headers['if-modified-since'],
      'Wed, 19 Nov 2025 10:00:00 GMT'
    )
  })

  test('POST is never retried on 5xx or a reset', async ({ assert }) => {
    server.on('POST /orders', { status: 502, body: '' })
    assert.instanceOf(
      await get('/orders', { method: 'POST', body: '{}' }).catch((e) => e),
      Unavailable
    )
    assert.equal(server.hits('POST /orders'), 1)
    server.on('POST /orders', { reset: true })
    assert.instanceOf(
      await get('/orders', { method: 'POST', body: '{}' }).catch((e) => e),
      Unavailable
    )
    assert.equal(server.hits('POST /orders'), 2)
  })

  test('an open circuit fails fast without calling; half-open probe closes it', async ({
    assert,
  }) => {
    server.on('GET /flaky', { status: 500, body: '' })
    await get('/flaky').catch(() => null)
    await get('/flaky').catch(() => null)
    const hits = server.hits('GET /flaky')
    const error = await get('/flaky').catch((e) => e)
    assert.instanceOf(error, Unavailable)
    assert.include(error.message, 'circuit open')
    assert.equal(server.hits('GET /flaky'), hits, 'no request while open')
    clock.advance(30_000)
    server.on('GET /flaky', { body: { ok: true } })
    assert.deepEqual((await get('/flaky')).json, { ok: true })
  })

  test('a platform that is down stops being called for every one of its sources', async ({
    assert,
  }) => {
    server.on('GET /event', { status: 503, body: '' })
    /** Each source fails once (a per-source streak would never reach a threshold). */
    for (const source of [1, 2]) {
      const error = await get('/event', { sourceKey: `demo:${source}` }).catch((e) => e)
      assert.include(error.message, 'HTTP 503')
    }
    const hits = server.hits('GET /event')
    for (const source of [3, 4, 5]) {
      const error = await get('/event', { sourceKey: `demo:${source}` }).catch((e) => e)
      assert.instanceOf(error, Unavailable)
      assert.include(error.message, 'circuit open')
      assert.equal(error.retryAfterMs, 30_000)
    }
    assert.equal(server.hits('GET /event'), hits, 'sources 3–5 were never sent')
    /** Another platform on the same transport is not held back. */
    server.on('GET /other', { body: { ok: true } })
    assert.deepEqual((await get('/other', { source: 'elsewhere' })).json, { ok: true })
  })

  test('429 with and without Retry-After is RateLimited and not retried', async ({ assert }) => {
    server.on('GET /r', [
      { status: 429, body: '', headers: { 'retry-after': '30' } },
      { status: 429, body: '' },
    ])
    const first = await get('/r').catch((e) => e)
    assert.instanceOf(first, RateLimited)
    assert.equal(first.retryAfterMs, 30_000)
    const second = await get('/r').catch((e) => e)
    assert.instanceOf(second, RateLimited)
    assert.isNull(second.retryAfterMs)
    assert.equal(server.hits('GET /r'), 2)
  })

  test('a challenge body on a 5xx is SourceBlocked, never a retry storm', async ({ assert }) => {
    server.on('GET /cf', {
      status: 503,
      body: CLOUDFLARE_PAGE,
      headers: { 'content-type': 'text/html' },
    })
    assert.instanceOf(await get('/cf').catch((e) => e), SourceBlocked)
    assert.equal(server.hits('GET /cf'), 1)
  })

  test('the local per-second limit waits briefly (injected sleep) instead of sending a burst', async ({
    assert,
  }) => {
    transport.setLimits('demo', { requestsPerSecond: 1, requestsPerDay: null })
    server.on('GET /l', { body: {} })
    await get('/l')
    await get('/l')
    /** The bucket's 1,000 ms, and 1 ms for a timer that fires before the clock has moved on as far */
    assert.deepEqual(clock.sleeps, [1001])
    transport.setLimits('demo', { requestsPerSecond: 0.01, requestsPerDay: null })
    const error = await get('/l').catch((e) => e)
    assert.instanceOf(
      error,
      RateLimited,
      'a wait longer than maxRateWaitMs is handed back to the scheduler'
    )
  })

  test('corrupt gzip is InvalidPayload; an oversized body is refused', async ({ assert }) => {
    server.on('GET /z', {
      body: 'not gzip at all',
      headers: { 'content-encoding': 'gzip', 'content-type': 'application/json' },
    })
    assert.instanceOf(await get('/z').catch((e) => e), InvalidPayload)
    const small = testTransport(clock, { maxBodyBytes: 10 })
    try {
      server.on('GET /big', { body: { padding: 'x'.repeat(100) } })
      const error = await small
        .request({ source: 'demo', url: `${server.origin}/big`, expect: 'json' })
        .catch((e) => e)
      assert.instanceOf(error, InvalidPayload)
      assert.include(error.message, 'larger than')
    } finally {
      await small.close()
    }
  })
})
