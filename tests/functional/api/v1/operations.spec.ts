/**
 * Cross-cutting API behaviour: cursor pagination, filtering and sorting;
 * the per-token rate limit; CORS; the metrics endpoint.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import apiConfig from '#config/api'
import { upsertEvent } from '#monitoring/event_catalogue'
import { recordDelivery } from '#monitoring/metrics'
import { announcePurchase } from '#purchasing/purchase_events'
import { createUser } from '#tests/helpers/users'
import { createPlatform, normalisedEvent } from '#tests/helpers/market'
import { conformanceErrors } from '#tests/helpers/openapi'

async function token(user: User, abilities: string[]) {
  return (await User.accessTokens.create(user, abilities)).value!.release()
}

async function wipe() {
  for (const table of [
    'alerts',
    'watch_rules',
    'listing_changes',
    'listings',
    'event_status_changes',
    'event_sources',
    'events',
    'users',
  ]) {
    await db.from(table).delete()
  }
}

test.group('API operations', (group) => {
  group.each.setup(async () => {
    await wipe()
  })

  test('lists page by cursor: every row once, in order, nulls last, across sorts and filters', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const reader = await token(user, ['read'])
    const platform = await createPlatform()
    const names = ['Echo', 'Alpha', 'Delta', 'Charlie', 'Bravo', 'Foxtrot', 'Golf']
    for (const [index, name] of names.entries()) {
      await upsertEvent(
        platform.id,
        normalisedEvent({
          name,
          league: index % 2 ? 'NHL' : 'NBA',
          startsAt: index >= 5 ? null : new Date(Date.UTC(2027, 1, 10 - index)).toISOString(),
          dateTbd: index >= 5,
        })
      )
    }
    const walk = async (query: string) => {
      const seen: string[] = []
      let cursor: string | null = null
      for (let pages = 0; pages < 10; pages++) {
        const response = await client
          .get(`/api/v1/tickets?limit=3${query}${cursor ? `&cursor=${cursor}` : ''}`)
          .bearerToken(reader)
        response.assertStatus(200)
        assert.deepEqual(conformanceErrors('GET /tickets', response), [])
        seen.push(...response.body().data.map((event: any) => event.name))
        cursor = response.body().meta.nextCursor
        if (!cursor) return seen
      }
      throw new Error('did not end')
    }
    /** Soonest first, the two without a date last (by id). */
    assert.deepEqual(await walk(''), [
      'Bravo',
      'Charlie',
      'Delta',
      'Alpha',
      'Echo',
      'Foxtrot',
      'Golf',
    ])
    /** Latest first; dateless ones still last, ties by id in the sort's direction. */
    assert.deepEqual(await walk('&sort=-startsAt'), [
      'Echo',
      'Alpha',
      'Delta',
      'Charlie',
      'Bravo',
      'Golf',
      'Foxtrot',
    ])
    assert.deepEqual(await walk('&sort=name'), [...names].sort())
    assert.deepEqual(await walk('&sort=-name&league=NBA'), ['Golf', 'Echo', 'Delta', 'Bravo'])
    assert.deepEqual(await walk('&from=2027-02-07T00:00:00Z&to=2027-02-10T00:00:00Z'), [
      'Charlie',
      'Delta',
      'Alpha',
    ])

    const first = await client.get('/api/v1/tickets?limit=2&sort=name').bearerToken(reader)
    const otherSort = await client
      .get(`/api/v1/tickets?sort=-name&cursor=${first.body().meta.nextCursor}`)
      .bearerToken(reader)
    otherSort.assertStatus(400)
    otherSort.assertBody({
      errors: [
        {
          code: 'E_INVALID_CURSOR',
          field: 'cursor',
          message: 'The cursor is not one this list gave out (or was issued for another sort)',
        },
      ],
    })
    const tampered = await client.get('/api/v1/tickets?cursor=%7B%7D').bearerToken(reader)
    tampered.assertStatus(400)
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['sort=secret', 'sort'],
      ['colour=red', 'colour'],
      ['from=yesterday', 'from'],
    ]) {
      const bad = await client.get(`/api/v1/tickets?${query}`).bearerToken(reader)
      bad.assertStatus(422)
      assert.equal(bad.body().errors[0].field, field, query)
    }
  })

  test('each token has its own rate limit: RateLimit-* headers, then 429 with Retry-After', async ({
    client,
    assert,
    cleanup,
  }) => {
    const saved = { ...apiConfig.rateLimit }
    apiConfig.rateLimit.perMinute = 3
    apiConfig.rateLimit.store = 'memory'
    cleanup(() => {
      Object.assign(apiConfig.rateLimit, saved)
    })
    const user = await createUser('member')
    const first = await token(user, ['read'])
    const second = await token(user, ['read'])
    const remaining: string[] = []
    for (let i = 0; i < 3; i++) {
      const response = await client.get('/api/v1/me').bearerToken(first)
      response.assertStatus(200)
      assert.equal(response.header('ratelimit-limit'), '3')
      remaining.push(response.header('ratelimit-remaining')!)
    }
    assert.deepEqual(remaining, ['2', '1', '0'])
    const limited = await client.get('/api/v1/me').bearerToken(first)
    limited.assertStatus(429)
    assert.deepEqual(conformanceErrors('GET /me', limited), [])
    assert.equal(limited.body().errors[0].code, 'E_TOO_MANY_REQUESTS')
    assert.isAbove(Number(limited.header('retry-after')), 0)
    assert.equal(limited.header('ratelimit-remaining'), '0')
    ;(await client.get('/api/v1/me').bearerToken(second)).assertStatus(200)
  })

  test('CORS answers the configured origins only', async ({ client, assert }) => {
    const preflight = await client
      .options('/api/v1/me')
      .header('origin', 'https://evil.example')
      .header('access-control-request-method', 'GET')
    assert.isUndefined(preflight.header('access-control-allow-origin'))
  })

  test('/metrics: refused without the metrics token or an admin token; Prometheus text with the registered series', async ({
    client,
    assert,
    cleanup,
  }) => {
    const saved = apiConfig.metricsToken
    apiConfig.metricsToken = 'scrape-secret-123'
    cleanup(() => {
      apiConfig.metricsToken = saved
    })
    const member = await createUser('member')
    const admin = await createUser('admin')
    const scrapeFailed = async () =>
      (await client.get('/metrics').bearerToken('scrape-secret-123'))
        .text()
        .match(/hdtickets_purchases_total\{outcome="failed"[^}]*\} (\d+)/)?.[1]
    ;(await client.get('/metrics')).assertStatus(401)
    ;(await client.get('/metrics').bearerToken('wrong')).assertStatus(401)
    ;(await client.get('/metrics').bearerToken(await token(member, ['read']))).assertStatus(401)
    ;(await client.get('/metrics').bearerToken(await token(admin, ['read']))).assertStatus(403)

    recordDelivery('webhook', 'sent')
    recordDelivery('webhook', 'sent')
    /** Purchase outcomes reach the counter through the purchase events (start/metrics.ts). */
    const failedBefore = Number((await scrapeFailed()) ?? 0)
    await announcePurchase('purchase:failed', {
      requestId: 1,
      userId: 1,
      platform: 'sandbox',
      code: 'E_TEST',
      reason: 'test',
    })
    const scraped = await client.get('/metrics').bearerToken('scrape-secret-123')
    scraped.assertStatus(200)
    assert.match(scraped.header('content-type')!, /^text\/plain/)
    const text = scraped.text()
    assert.match(
      text,
      /hdtickets_notification_deliveries_total\{channel="webhook",outcome="sent"[^}]*\} [2-9]/
    )
    assert.equal(Number(await scrapeFailed()), failedBefore + 1)
    for (const name of [
      'hdtickets_checks_total',
      'hdtickets_check_duration_seconds',
      'hdtickets_platform_requests_total',
      'hdtickets_platform_daily_quota',
      'hdtickets_queue_depth',
      'hdtickets_queue_jobs',
      'hdtickets_circuit_state',
      'hdtickets_job_duration_seconds',
      'hdtickets_purchases_total',
      'hdtickets_sse_connections',
    ]) {
      assert.include(text, `# TYPE ${name} `)
    }
    ;(await client.get('/metrics').bearerToken(await token(admin, ['admin']))).assertStatus(200)
  })
})
