/**
 * Issue #16, transport items: the body cap on decompressed bytes (9),
 * Retry-After in both forms for every connector (10), and rate-limit waits
 * that fit the caller's deadline (1).
 */
import { test } from '@japa/runner'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  brotliCompressSync,
  createGzip,
  deflateRawSync,
  deflateSync,
  gunzipSync,
  gzipSync,
} from 'node:zlib'
import { InvalidPayload, RateLimited, Unavailable } from '#connectors/errors'
import { HttpTransport } from '#connectors/transport/http_transport'
import { parseRetryAfter } from '#connectors/transport/retry_after'
import type { WaitNotice } from '#connectors/transport/types'
import { createConnector } from '#connectors/registry'
import { SsrfGuard } from '#security/ssrf_guard'
import { FakeClock, TEST_USER_AGENT, testTransport } from '#tests/connectors/helpers/transport'
import { FixtureServer, fixture } from '#tests/connectors/helpers/fixture_server'
import { fixtureBytes } from '#tests/helpers/fixtures'

const MIB = 1024 * 1024

test.group('transport: the body cap counts decompressed bytes (issue #16 item 9)', () => {
  const padded = () =>
    gunzipSync(fixtureBytes('ticketmaster/invented-discovery-page-20MB-padded.json.gz'))

  for (const encoding of ['gzip', 'deflate', 'br'] as const) {
    test(`a 20 MB page sent ${encoding}-compressed is refused at the default 16 MiB cap`, async ({
      assert,
    }) => {
      const plain = padded()
      assert.isAbove(plain.length, 20 * MIB)
      const wire =
        encoding === 'gzip'
          ? fixtureBytes('ticketmaster/invented-discovery-page-20MB-padded.json.gz')
          : encoding === 'deflate'
            ? deflateSync(plain)
            : brotliCompressSync(plain)
      assert.isBelow(wire.length, 1 * MIB, 'the compressed body is small: the old check let it in')
      const server = await new FixtureServer().start()
      const clock = new FakeClock()
      /** The default cap: no maxBodyBytes given */
      const transport = testTransport(clock)
      try {
        server.on('GET /events.json', {
          body: wire,
          headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        })
        const error = await transport
          .request({
            source: 'ticketmaster',
            url: `${server.origin}/events.json`,
            expect: 'json',
            endpoint: 'GET /events.json',
          })
          .catch((e) => e)
        assert.instanceOf(error, InvalidPayload)
        assert.match(
          error.reason,
          new RegExp(`larger than 16 MiB once decompressed \\(${encoding}\\)`)
        )
        assert.equal(server.hits('GET /events.json'), 1, 'a body too large is not retried')
      } finally {
        await transport.close()
        await server.close()
      }
    })
  }

  test('below the cap every coding still decodes, raw deflate included', async ({ assert }) => {
    const body = Buffer.from(
      fixture('ticketmaster/invented-discovery-page-one-past-two-upcoming.json')
    )
    const server = await new FixtureServer().start()
    const transport = testTransport(new FakeClock())
    try {
      const variants: Array<[string, Buffer]> = [
        ['gzip', gzipSync(body)],
        ['deflate', deflateSync(body)],
        ['deflate', deflateRawSync(body)],
        ['br', brotliCompressSync(body)],
      ]
      for (const [encoding, wire] of variants) {
        server.on('GET /page.json', {
          body: wire,
          headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        })
        const response = await transport.request({
          source: 'ticketmaster',
          url: `${server.origin}/page.json`,
          expect: 'json',
        })
        assert.deepEqual(response.json, JSON.parse(body.toString()))
      }
    } finally {
      await transport.close()
      await server.close()
    }
  })

  test('the reader stops as soon as the cap is crossed: an endless gzip stream is cut short', async ({
    assert,
  }) => {
    let produced = 0
    let finished = false
    let closedEarly = false
    const total = 512 * MIB
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
      const gzip = createGzip()
      gzip.pipe(res)
      res.on('close', () => {
        closedEarly = !res.writableFinished
        gzip.destroy()
      })
      /** Letters from a fixed sequence: compressible about 1.6:1, so buffers hold little of it */
      let seed = 7
      const chunk = () => {
        const buffer = Buffer.alloc(64 * 1024)
        for (let i = 0; i < buffer.length; i++) {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff
          buffer[i] = 97 + (seed % 26)
        }
        return buffer
      }
      const pump = () => {
        while (produced < total && !gzip.destroyed) {
          produced += 64 * 1024
          if (!gzip.write(chunk())) return gzip.once('drain', pump)
        }
        if (!gzip.destroyed) {
          finished = true
          gzip.end()
        }
      }
      pump()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const transport = testTransport(new FakeClock(), { maxBodyBytes: 1 * MIB })
    try {
      const error = await transport
        .request({ source: 'ticketmaster', url: `${origin}/stream`, expect: 'json' })
        .catch((e) => e)
      assert.instanceOf(error, InvalidPayload)
      assert.match(error.reason, /larger than 1 MiB once decompressed/)
      await new Promise((resolve) => setTimeout(resolve, 100))
      assert.isFalse(finished, 'the server never got to the end of its body')
      assert.isTrue(closedEarly, 'the client dropped the connection')
      assert.isBelow(produced, 64 * MIB)
    } finally {
      await transport.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }).timeout(30_000)
})

test.group('Retry-After: seconds or an HTTP date, one reader (issue #16 item 10)', () => {
  test('parseRetryAfter reads delay-seconds and every HTTP-date form', ({ assert }) => {
    const now = Date.parse('2031-01-06T12:00:00Z')
    assert.equal(parseRetryAfter('120', now), 120_000)
    assert.equal(parseRetryAfter(' 7 ', now), 7_000)
    assert.equal(parseRetryAfter('Mon, 06 Jan 2031 12:00:30 GMT', now), 30_000)
    assert.equal(parseRetryAfter('Monday, 06-Jan-31 12:01:00 GMT', now), 60_000)
    assert.equal(parseRetryAfter('Mon Jan  6 12:00:45 2031', now) !== null, true)
    assert.equal(parseRetryAfter('Mon, 06 Jan 2031 11:00:00 GMT', now), 0, 'a past date means now')
    assert.isNull(parseRetryAfter('soon', now))
    assert.isNull(parseRetryAfter('-5', now))
    assert.isNull(parseRetryAfter(undefined, now))
  })

  /** Each connector, built as the app builds it, against a 429 whose Retry-After is a date 60 s ahead. */
  const platforms = [
    {
      slug: 'ticketmaster',
      settings: (origin: string) => ({ ticketmaster: { baseUrl: `${origin}/discovery/v2` } }),
      routes: ['GET /discovery/v2/events/vvG1IZ9xInvent00.json'],
      body: fixture('ticketmaster/invented-error-429-spike-arrest.json'),
      ref: 'vvG1IZ9xInvent00',
      credential: { apikey: 'tm-key' },
    },
    {
      slug: 'seatgeek',
      settings: (origin: string) => ({ seatgeek: { baseUrl: origin } }),
      routes: ['GET /events/5101'],
      body: '{"status":429,"message":"Too Many Requests"}',
      ref: '5101',
      credential: { client_id: 'sg-id' },
    },
    {
      slug: 'stubhub',
      settings: (origin: string) => ({
        stubhub: { apiBase: origin, tokenUrl: `${origin}/oauth2/token` },
      }),
      routes: ['GET /catalog/events/7101'],
      body: '{"code":"too_many_requests","message":"Too many requests"}',
      ref: '7101',
      credential: { client_id: 'sh-id', client_secret: 'sh-secret' },
    },
    {
      slug: 'ticketevolution',
      settings: (origin: string) => ({ ticketevolution: { baseUrl: origin } }),
      routes: ['GET /v9/events/1591449', 'GET /v9/listings'],
      body: '{"error":"Rate limit exceeded"}',
      ref: '1591449',
      credential: { token: 'tevo-token', secret: 'tevo-secret' },
    },
    {
      slug: 'jsonld',
      settings: () => ({}),
      routes: ['GET /games/busy'],
      body: '<!DOCTYPE html><html><head><title>Slow down</title></head><body>Too many requests</body></html>',
      ref: '/games/busy',
      credential: null,
    },
  ]

  for (const platform of platforms) {
    test(`${platform.slug}: a 429 with Retry-After as an HTTP date is RateLimited for that long`, async ({
      assert,
    }) => {
      const server = await new FixtureServer().start()
      const guard = new SsrfGuard({ allowedHosts: ['127.0.0.1'] })
      const transport = new HttpTransport({
        userAgent: TEST_USER_AGENT,
        sleep: async () => {},
        connectTimeoutMs: 1_000,
        readTimeoutMs: 1_000,
        guardedDispatcher: guard.createDispatcher({
          connectTimeoutMs: 1_000,
          readTimeoutMs: 1_000,
        }),
      })
      try {
        const at = new Date(Date.now() + 60_000).toUTCString()
        server.on('GET /robots.txt', { body: 'User-agent: *\nAllow: /\n' })
        server.on('POST /oauth2/token', {
          body: { access_token: 'token-1', token_type: 'bearer', expires_in: 86400 },
        })
        for (const route of platform.routes) {
          server.on(route, {
            status: 429,
            body: platform.body,
            headers: {
              'retry-after': at,
              'content-type': platform.slug === 'jsonld' ? 'text/html' : 'application/json',
            },
          })
        }
        const connector = createConnector(platform.slug, {
          transport,
          ssrfGuard: guard,
          settings: platform.settings(server.origin),
        })
        const ref = platform.ref.startsWith('/') ? `${server.origin}${platform.ref}` : platform.ref
        const error = await connector
          .fetchMarket(ref, { credential: platform.credential as Record<string, string> | null })
          .catch((e) => e)
        assert.instanceOf(error, RateLimited, String(error))
        assert.isAtLeast(error.retryAfterMs, 55_000)
        assert.isAtMost(error.retryAfterMs, 60_000)
        for (const route of platform.routes)
          assert.isAtMost(server.hits(route), 1, 'a 429 is not retried')
      } finally {
        await transport.close()
        await server.close()
      }
    })
  }

  test('a 503 whose Retry-After is past the caller’s deadline is handed back, not slept through', async ({
    assert,
  }) => {
    const server = await new FixtureServer().start()
    const clock = new FakeClock()
    const transport = testTransport(clock)
    try {
      server.on('GET /x', {
        status: 503,
        body: '{}',
        headers: { 'retry-after': new Date(clock.now() + 3_600_000).toUTCString() },
      })
      const error = await transport
        .request({ source: 'seatgeek', url: `${server.origin}/x`, expect: 'json' })
        .catch((e) => e)
      assert.instanceOf(error, Unavailable)
      assert.equal(error.retryAfterMs, 3_600_000)
      assert.equal(server.hits('GET /x'), 1)
      assert.notInclude(clock.sleeps, 3_600_000)
    } finally {
      await transport.close()
      await server.close()
    }
  })
})

test.group('transport: rate-limit waits within the caller’s deadline (issue #16 item 1)', () => {
  test('at 0.2 requests/s the second call waits 5 s when its deadline allows, and says so', async ({
    assert,
  }) => {
    const server = await new FixtureServer().start()
    const clock = new FakeClock()
    const transport = testTransport(clock, {
      limits: { jsonld: { requestsPerSecond: 0.2, requestsPerDay: null } },
    })
    try {
      server.on('GET /p', { body: 'ok' })
      const request = { source: 'jsonld', url: `${server.origin}/p`, expect: 'text' as const }
      await transport.request(request)
      const heard: WaitNotice[] = []
      await transport.request({
        ...request,
        deadlineAt: clock.now() + 60_000,
        onWait: (notice) => heard.push(notice),
      })
      assert.deepEqual(heard, [{ source: 'jsonld', waitMs: 5_000, reason: 'per-second limit' }])
      /** The 5 s it was told, and 1 ms for a timer firing before the clock has moved on as far */
      assert.include(clock.sleeps, 5_001)
      assert.equal(server.hits('GET /p'), 2)

      /** Without a deadline the short default (2 s) applies: handed back to the scheduler */
      const refused = await transport.request(request).catch((e) => e)
      assert.instanceOf(refused, RateLimited)
      assert.equal(refused.retryAfterMs, 5_000)
      /** A deadline too close: refused too, nothing sent */
      const tooClose = await transport
        .request({ ...request, deadlineAt: clock.now() + 1_000 })
        .catch((e) => e)
      assert.instanceOf(tooClose, RateLimited)
      assert.equal(server.hits('GET /p'), 2)
    } finally {
      await transport.close()
      await server.close()
    }
  })
})
