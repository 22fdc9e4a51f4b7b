/**
 * The API contract: every /api/v1 route of the router has an operation in
 * the OpenAPI document (and every operation a route); every operation is
 * called for a success and an error and both bodies are held to the
 * document; every route refuses a token without its ability.
 */
import { test } from '@japa/runner'
import { readFileSync } from 'node:fs'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { createUser } from '#tests/helpers/users'
import { seedPlatforms, startTestSandbox } from '#tests/helpers/sandbox'
import {
  resetPurchasing,
  sandboxCredentials,
  sandboxListing,
  type TestSandbox,
} from '#tests/helpers/purchasing'
import {
  conformanceErrors,
  documentedOperations,
  operation,
  routerOperations,
  schemaProblems,
  validated,
} from '#tests/helpers/openapi'
import { buildOpenApiDocument, openApiDocument } from '#api/openapi/document'
import { useLocalPeers } from '#tests/helpers/notifications'
import { startHttpServer } from '#tests/unit/notifications/helpers/servers'
import { createNotifications } from '#notifications/create_notifications'
import { buildAccountIssue } from '#notifications/message'
import type { OpenApiModule } from '#api/openapi/schema'

const ALL = ['read', 'write', 'purchase', 'admin']

async function token(user: User, abilities: string[]) {
  return (await User.accessTokens.create(user, abilities)).value!.release()
}

test.group('API contract (OpenAPI 3.1)', (group) => {
  let sandbox: TestSandbox

  group.setup(async () => {
    await resetPurchasing()
    await seedPlatforms()
    sandbox = await startTestSandbox()
    return () => sandbox.stop()
  })

  test('every /api/v1 route is documented, and every documented operation is routed', ({
    assert,
  }) => {
    const routed = routerOperations()
    const documented = documentedOperations()
    assert.isAbove(routed.length, 40)
    assert.deepEqual(
      routed.filter((key) => !documented.includes(key)),
      [],
      'routes without a documented operation'
    )
    assert.deepEqual(
      documented.filter((key) => !routed.includes(key)),
      [],
      'documented operations without a route'
    )
    for (const key of documented)
      assert.isArray(operation(key)['x-abilities'], `${key} names its abilities`)
  })

  test('the document is OpenAPI 3.1 with valid JSON Schema 2020-12 components', ({ assert }) => {
    const doc = openApiDocument()
    assert.equal(doc.openapi, '3.1.0')
    assert.equal(doc.jsonSchemaDialect, 'https://json-schema.org/draft/2020-12/schema')
    assert.deepEqual(schemaProblems(), [])
  })

  test('the committed docs/openapi.json is current (node ace openapi:write)', ({ assert }) => {
    const committed = JSON.parse(readFileSync(app.makePath('docs/openapi.json'), 'utf8'))
    assert.deepEqual(
      committed,
      JSON.parse(JSON.stringify(openApiDocument())),
      'run `node ace openapi:write` and commit docs/openapi.json'
    )
  })

  test('a module documenting a path twice is refused when the document is built', ({ assert }) => {
    const twice: OpenApiModule = {
      tag: { name: 'x', description: 'x' },
      paths: { '/me': { get: { 'summary': 'again', 'x-abilities': ['read'], 'responses': {} } } },
    }
    assert.throws(() => buildOpenApiDocument([twice, twice]), /documented twice/)
  })

  test('GET /api/v1/openapi.json serves the document; /api/docs renders it with the bundled Swagger UI', async ({
    client,
    assert,
  }) => {
    const json = await client.get('/api/v1/openapi.json')
    json.assertStatus(200)
    assert.deepEqual(conformanceErrors('GET /openapi.json', json), [])
    assert.deepEqual(json.body().paths, JSON.parse(JSON.stringify(openApiDocument().paths)))
    const page = await client.get('/api/docs').withInertia()
    page.assertStatus(200)
    page.assertInertiaComponent('api/docs')
    page.assertInertiaPropsContains({ documentUrl: '/api/v1/openapi.json', signedIn: false })
  })

  test('every operation answers as documented, for a success and for an error', async ({
    client,
    assert,
  }) => {
    const admin = await createUser('admin')
    const member = await createUser('member')
    const other = await createUser('member')
    const adminToken = await token(admin, ALL)
    const memberToken = await token(member, ['read', 'write', 'purchase'])
    const first = await sandboxListing(sandbox)
    const second = await sandboxListing(sandbox)
    const third = await sandboxListing(sandbox)
    await db.table('alerts').insert({
      user_id: member.id,
      type: 'ticket_available',
      condition: 'available',
      dedupe_key: 'c1',
      reason: '{"text":"x"}',
      detected_at: new Date(),
      created_at: new Date(),
    })
    const alertId = Number(
      (await db.from('alerts').where('user_id', member.id).max('id as id').first()).id
    )

    const problems: string[] = []
    const call = async (key: string, expected: number, send: () => Promise<any>) => {
      const response = await send()
      if (response.status() !== expected)
        problems.push(
          `${key}: expected ${expected}, got ${response.status()} ${response.text().slice(0, 300)}`
        )
      problems.push(...conformanceErrors(key, response))
      return response
    }
    const asMember = (method: 'get' | 'post' | 'put' | 'patch' | 'delete', url: string): any =>
      (client as any)[method](`/api/v1${url}`).bearerToken(memberToken)
    const asAdmin = (method: 'get' | 'post' | 'put' | 'delete', url: string): any =>
      (client as any)[method](`/api/v1${url}`).bearerToken(adminToken)

    await call('GET /openapi.json', 200, () => client.get('/api/v1/openapi.json'))

    await call('GET /me', 200, () => asMember('get', '/me'))
    await call('GET /me', 401, () => client.get('/api/v1/me'))
    await call('PATCH /me', 200, () => asMember('patch', '/me').json({ priceMode: 'base' }))
    await call('PATCH /me', 422, () => asMember('patch', '/me').json({ priceMode: 'cheapest' }))
    await call('PATCH /me', 200, () => asMember('patch', '/me').json({ priceMode: 'all_in' }))

    await call('GET /tokens', 200, () => asMember('get', '/tokens'))
    await call('GET /tokens', 401, () =>
      client.get('/api/v1/tokens').bearerToken('hdt_wrong.token')
    )
    const created = await call('POST /tokens', 201, () =>
      asMember('post', '/tokens').json({ name: 'ci', abilities: ['read'] })
    )
    const unknownField = await call('POST /tokens', 422, () =>
      asMember('post', '/tokens').json({ name: 'ci', abilities: ['read'], admin: true })
    )
    assert.deepEqual(unknownField.body().errors[0], {
      code: 'E_UNKNOWN_FIELD',
      field: 'admin',
      message: 'Unknown field "admin"',
    })
    await call('POST /tokens', 415, () =>
      asMember('post', '/tokens').unsafeJson('name=ci').type('application/x-www-form-urlencoded')
    )
    await call('POST /tokens', 413, () =>
      asMember('post', '/tokens').json({ name: 'x'.repeat(1_100_000), abilities: ['read'] })
    )
    await call('DELETE /tokens/{id}', 204, () =>
      asMember('delete', `/tokens/${created.body().data.id}`)
    )
    await call('DELETE /tokens/{id}', 404, () => asMember('delete', '/tokens/999999'))

    await call('GET /users', 200, () => asAdmin('get', '/users?limit=1'))
    await call('GET /users', 422, () => asAdmin('get', '/users?bogus=1'))
    await call('GET /users', 400, () => asAdmin('get', '/users?cursor=not-a-cursor'))
    await call('GET /users/{id}', 200, () => asAdmin('get', `/users/${member.id}`))
    await call('GET /users/{id}', 404, () => asAdmin('get', '/users/999999'))
    await call('PUT /users/{id}/role', 200, () =>
      asAdmin('put', `/users/${other.id}/role`).json({ role: 'viewer' })
    )
    await call('PUT /users/{id}/role', 422, () =>
      asAdmin('put', `/users/${admin.id}/role`).json({ role: 'member' })
    )

    const linked = await call('POST /accounts', 201, () =>
      asMember('post', '/accounts').json({
        platform: 'sandbox',
        username: 'desk',
        credentials: sandboxCredentials,
      })
    )
    assert.notInclude(linked.text(), sandboxCredentials.secret)
    await call('POST /accounts', 422, () =>
      asMember('post', '/accounts').json({
        platform: 'sandbox',
        username: 'desk',
        credentials: sandboxCredentials,
      })
    )
    const accountId = linked.body().data.id
    await call('GET /accounts', 200, () => asMember('get', '/accounts'))
    await call('GET /accounts', 422, () => asMember('get', '/accounts?sort=password'))
    await call('GET /accounts/{id}', 200, () => asMember('get', `/accounts/${accountId}`))
    await call('GET /accounts/{id}', 404, () =>
      client.get(`/api/v1/accounts/${accountId}`).bearerToken(adminToken)
    )
    await call('PUT /accounts/{id}/credentials', 200, () =>
      asMember('put', `/accounts/${accountId}/credentials`).json({
        credentials: sandboxCredentials,
      })
    )
    await call('PUT /accounts/{id}/credentials', 422, () =>
      asMember('put', `/accounts/${accountId}/credentials`).json({
        credentials: sandboxCredentials,
        secretOnTop: 'x',
      })
    )

    const platforms = await call('GET /platforms', 200, () => asMember('get', '/platforms'))
    await call('GET /platforms', 422, () => asMember('get', '/platforms?sort=bogus'))
    await call('GET /platforms/{id}', 200, () =>
      asMember('get', `/platforms/${platforms.body().data[0].id}`)
    )
    await call('GET /platforms/{id}', 404, () => asMember('get', '/platforms/999999'))

    await call('GET /tickets', 200, () => asMember('get', '/tickets?limit=2'))
    await call('GET /tickets', 422, () => asMember('get', '/tickets?status=bogus'))
    await call('GET /tickets', 400, () => asMember('get', '/tickets?cursor=eyJzIjoibmFtZSJ9'))
    await call('GET /tickets/{id}', 200, () => asMember('get', `/tickets/${first.eventId}`))
    await call('GET /tickets/{id}', 404, () => asMember('get', '/tickets/999999'))
    await call('GET /tickets/{id}/listings', 200, () =>
      asMember('get', `/tickets/${first.eventId}/listings?limit=3`)
    )
    await call('GET /tickets/{id}/listings', 404, () => asMember('get', '/tickets/999999/listings'))
    await call('GET /tickets/{id}/price-history', 200, () =>
      asMember('get', `/tickets/${first.eventId}/price-history?days=7`)
    )
    await call('GET /tickets/{id}/price-history', 422, () =>
      asMember('get', `/tickets/${first.eventId}/price-history?days=0`)
    )

    await call('GET /analytics', 200, () => asMember('get', '/analytics'))
    await call('GET /analytics', 422, () => asMember('get', '/analytics?eventId=abc'))
    await call('GET /analytics/events/{id}', 200, () =>
      asMember('get', `/analytics/events/${first.eventId}`)
    )
    await call('GET /analytics/events/{id}', 404, () => asMember('get', '/analytics/events/999999'))

    await call('GET /scrapers', 200, () => asMember('get', '/scrapers'))
    await call('GET /scrapers', 422, () => asMember('get', '/scrapers?eventId=abc'))
    await call('GET /scrapers/schedule', 200, () => asMember('get', '/scrapers/schedule'))
    await call('GET /scrapers/schedule', 422, () => asMember('get', '/scrapers/schedule?sort=id'))
    await call('GET /scrapers/{id}', 200, () => asMember('get', `/scrapers/${first.sourceId}`))
    await call('GET /scrapers/{id}', 404, () => asMember('get', '/scrapers/999999'))
    const paused = await call('POST /scrapers/{id}/pause', 200, () =>
      asAdmin('post', `/scrapers/${first.sourceId}/pause`).json({ reason: 'maintenance' })
    )
    assert.equal(paused.body().data.state, 'paused')
    await call('POST /scrapers/{id}/pause', 404, () => asAdmin('post', '/scrapers/999999/pause'))
    await call('POST /scrapers/{id}/check', 422, () =>
      asAdmin('post', `/scrapers/${first.sourceId}/check`)
    )
    await call('POST /scrapers/{id}/resume', 200, () =>
      asAdmin('post', `/scrapers/${first.sourceId}/resume`)
    )
    await call('POST /scrapers/{id}/resume', 404, () => asAdmin('post', '/scrapers/999999/resume'))
    await call('POST /scrapers/{id}/check', 202, () =>
      asAdmin('post', `/scrapers/${first.sourceId}/check`)
    )

    const rule = await call('POST /watch-rules', 201, () =>
      asMember('post', '/watch-rules').json({
        name: 'Pair',
        eventId: first.eventId,
        triggers: [{ kind: 'available' }],
      })
    )
    const nested = await call('POST /watch-rules', 422, () =>
      asMember('post', '/watch-rules').json({
        name: 'x',
        filters: { league: 'NBA', colour: 'red' },
        triggers: [{ kind: 'available' }],
      })
    )
    assert.equal(nested.body().errors[0].field, 'filters.colour')
    await call('POST /watch-rules/preview', 200, () =>
      asMember('post', '/watch-rules/preview').json({
        name: 'Pair',
        eventId: first.eventId,
        triggers: [{ kind: 'available' }],
      })
    )
    await call('POST /watch-rules/preview', 422, () =>
      asMember('post', '/watch-rules/preview').json({ name: 'Pair', triggers: [] })
    )
    await call('GET /watch-rules', 200, () => asMember('get', '/watch-rules?sort=-name'))
    await call('GET /watch-rules', 422, () => asMember('get', '/watch-rules?enabled=maybe'))
    const ruleId = rule.body().data.id
    await call('GET /watch-rules/{id}', 200, () => asMember('get', `/watch-rules/${ruleId}`))
    await call('GET /watch-rules/{id}', 404, () => asAdmin('get', `/watch-rules/${ruleId}`))
    await call('PUT /watch-rules/{id}', 200, () =>
      asMember('put', `/watch-rules/${ruleId}`).json({
        name: 'Renamed',
        eventId: first.eventId,
        triggers: [{ kind: 'on_sale' }],
      })
    )
    await call('PUT /watch-rules/{id}', 422, () =>
      asMember('put', `/watch-rules/${ruleId}`).json({
        name: 'Renamed',
        eventId: first.eventId,
        triggers: [{ kind: 'on_sale' }],
        minQuantity: 0,
      })
    )

    const receiver = await startHttpServer((_request, response) => {
      response.writeHead(200)
      response.end('ok')
    })
    const peers = useLocalPeers()
    try {
      const channel = await call('POST /notifications/channels', 201, () =>
        asMember('post', '/notifications/channels').json({
          kind: 'webhook',
          name: 'Receiver',
          config: { url: `${receiver.url}/hook` },
        })
      )
      const channelId = channel.body().data.id
      await call('POST /notifications/channels', 422, () =>
        asMember('post', '/notifications/channels').json({
          kind: 'email',
          name: 'Mail',
          config: { address: 'not-an-email' },
        })
      )
      await call('GET /notifications/channels', 200, () =>
        asMember('get', '/notifications/channels')
      )
      await call('GET /notifications/channels', 401, () =>
        client.get('/api/v1/notifications/channels').bearerToken('hdt_wrong.token')
      )
      await call('POST /notifications/channels/{id}/test', 200, () =>
        asMember('post', `/notifications/channels/${channelId}/test`)
      )
      await call('POST /notifications/channels/{id}/test', 404, () =>
        asMember('post', '/notifications/channels/999999/test')
      )
      await call('GET /notifications/preferences', 200, () =>
        asMember('get', '/notifications/preferences')
      )
      await call('GET /notifications/preferences', 401, () =>
        client.get('/api/v1/notifications/preferences').bearerToken('hdt_wrong.token')
      )
      await call('PUT /notifications/preferences', 200, () =>
        asMember('put', '/notifications/preferences').json({
          quietHours: { start: '22:00', end: '07:00' },
          digestMinutes: null,
          escalation: null,
          types: { price_alert: [channelId] },
        })
      )
      await call('PUT /notifications/preferences', 422, () =>
        asMember('put', '/notifications/preferences').json({ types: { price_alert: [999999] } })
      )
      const [inbox] = await createNotifications([
        {
          userId: member.id,
          message: buildAccountIssue(
            { platform: 'sandbox', issue: 'contract' },
            { appUrl: 'http://localhost', now: new Date() }
          ),
        },
      ])
      const notificationId = inbox.id
      await call('GET /notifications', 200, () =>
        asMember('get', '/notifications?limit=5&unread=true')
      )
      await call('GET /notifications', 400, () =>
        asMember('get', '/notifications?cursor=not-a-cursor')
      )
      await call('POST /notifications/{id}/snooze', 200, () =>
        asMember('post', `/notifications/${notificationId}/snooze`).json({ minutes: 30 })
      )
      await call('POST /notifications/{id}/snooze', 422, () =>
        asMember('post', `/notifications/${notificationId}/snooze`).json({ minutes: 1 })
      )
      await call('POST /notifications/{id}/read', 204, () =>
        asMember('post', `/notifications/${notificationId}/read`)
      )
      await call('POST /notifications/{id}/read', 404, () =>
        asMember('post', '/notifications/999999/read')
      )
      await call('POST /notifications/read-all', 200, () =>
        asMember('post', '/notifications/read-all')
      )
      await call('POST /notifications/read-all', 401, () =>
        client.post('/api/v1/notifications/read-all').bearerToken('hdt_wrong.token')
      )
      await call('DELETE /notifications/channels/{id}', 204, () =>
        asMember('delete', `/notifications/channels/${channelId}`)
      )
      await call('DELETE /notifications/channels/{id}', 404, () =>
        asMember('delete', `/notifications/channels/${channelId}`)
      )
    } finally {
      await peers.close()
      await receiver.close()
    }

    await call('GET /alerts', 200, () => asMember('get', '/alerts?unacknowledged=true'))
    await call('GET /alerts', 422, () => asMember('get', '/alerts?unacknowledged=maybe'))
    await call('POST /alerts/{id}/acknowledge', 204, () =>
      asMember('post', `/alerts/${alertId}/acknowledge`)
    )
    await call('POST /alerts/{id}/acknowledge', 404, () =>
      asAdmin('post', `/alerts/${alertId}/acknowledge`)
    )
    await call('POST /alerts/{id}/snooze', 200, () =>
      asMember('post', `/alerts/${alertId}/snooze`).json({ minutes: 30 })
    )
    await call('POST /alerts/{id}/snooze', 422, () =>
      asMember('post', `/alerts/${alertId}/snooze`).json({ minutes: 1 })
    )

    const purchase = await call('POST /purchases', 201, () =>
      asMember('post', '/purchases')
        .header('Idempotency-Key', 'contract-1')
        .json({ listingId: first.listingId, quantity: 2 })
    )
    await call('POST /purchases', 200, () =>
      asMember('post', '/purchases')
        .header('Idempotency-Key', 'contract-1')
        .json({ listingId: first.listingId, quantity: 2 })
    )
    await call('POST /purchases', 422, () =>
      asMember('post', '/purchases').json({ listingId: first.listingId, quantity: 0 })
    )
    const toReject = await call('POST /purchases', 201, () =>
      asMember('post', '/purchases').json({ listingId: second.listingId, quantity: 2 })
    )
    const toCancel = await call('POST /purchases', 201, () =>
      asMember('post', '/purchases').json({ listingId: third.listingId, quantity: 2 })
    )
    await call('GET /purchases', 200, () => asMember('get', '/purchases?limit=2'))
    await call('GET /purchases', 422, () => asMember('get', '/purchases?status=bogus'))
    const purchaseId = purchase.body().data.id
    await call('GET /purchases/{id}', 200, () => asMember('get', `/purchases/${purchaseId}`))
    await call('GET /purchases/{id}', 404, () => asMember('get', '/purchases/999999'))
    await call('POST /purchases/{id}/approve', 200, () =>
      asMember('post', `/purchases/${purchaseId}/approve`)
    )
    await call('POST /purchases/{id}/approve', 404, () =>
      asMember('post', '/purchases/999999/approve')
    )
    await call('POST /purchases/{id}/reject', 200, () =>
      asMember('post', `/purchases/${toReject.body().data.id}/reject`).json({ reason: 'too dear' })
    )
    await call('POST /purchases/{id}/reject', 422, () =>
      asMember('post', `/purchases/${toCancel.body().data.id}/reject`).json({})
    )
    await call('POST /purchases/{id}/cancel', 200, () =>
      asMember('post', `/purchases/${toCancel.body().data.id}/cancel`)
    )
    await call('POST /purchases/{id}/cancel', 404, () =>
      asMember('post', '/purchases/999999/cancel')
    )

    await call('GET /export/{kind}', 200, () => asMember('get', '/export/watch-rules'))
    await call('GET /export/{kind}', 200, () => asMember('get', '/export/accounts?format=csv'))
    await call('GET /export/{kind}', 422, () => asMember('get', '/export/events?format=xml'))
    await call('POST /import/{kind}', 200, () =>
      asMember('post', '/import/accounts?dryRun=true').json({
        items: [{ platform: 'sandbox', username: 'x' }],
      })
    )
    await call('POST /import/{kind}', 404, () =>
      asMember('post', '/import/tickets').json({ items: [] })
    )

    await call('DELETE /watch-rules/{id}', 204, () => asMember('delete', `/watch-rules/${ruleId}`))
    await call('DELETE /watch-rules/{id}', 404, () => asMember('delete', `/watch-rules/${ruleId}`))
    await call('DELETE /accounts/{id}', 204, () => asMember('delete', `/accounts/${accountId}`))
    await call('DELETE /accounts/{id}', 404, () => asMember('delete', `/accounts/${accountId}`))

    assert.deepEqual(problems, [])
    /** The checks the sandbox listings ran were counted on their way (check_market_service, http_transport). */
    const metrics = await client.get('/metrics').bearerToken(adminToken)
    assert.match(
      metrics.text(),
      /hdtickets_checks_total\{platform="sandbox",outcome="ok"[^}]*\} [1-9]/
    )
    assert.match(
      metrics.text(),
      /hdtickets_platform_requests_total\{platform="sandbox"[^}]*\} [1-9]/
    )
    const uncovered = documentedOperations().filter((key) => {
      const statuses = [...validated]
        .filter((entry) => entry.startsWith(`${key} `))
        .map((entry) => Number(entry.split(' ').pop()))
      return (
        !statuses.some((status) => status < 300) ||
        (operation(key).security === undefined && !statuses.some((status) => status >= 400))
      )
    })
    assert.deepEqual(uncovered, [], 'operations without a validated success and error')
  })

  test('every route refuses a token without its ability, and lets one with it through', async ({
    client,
    assert,
  }) => {
    const admin = await createUser('admin')
    const problems: string[] = []
    for (const key of routerOperations()) {
      const needs: string[] = operation(key)['x-abilities']
      const [method, path] = key.split(' ')
      const url = `/api/v1${path.replace(/\{[^}]+\}/g, (name) => (name === '{kind}' ? 'watch-rules' : '999999'))}`
      const send = (bearer: string) =>
        (client as any)[method.toLowerCase()](url).bearerToken(bearer)
      if (!needs.length) {
        const open = await client.get(url)
        if (open.status() !== 200) problems.push(`${key}: public route answered ${open.status()}`)
        continue
      }
      for (const ability of needs) {
        const without = await send(
          await token(
            admin,
            ALL.filter((name) => name !== ability)
          )
        )
        if (without.status() !== 403 || without.body().errors?.[0]?.code !== 'E_TOKEN_ABILITY') {
          problems.push(
            `${key}: a token without "${ability}" got ${without.status()} ${without.text().slice(0, 120)}`
          )
        }
        problems.push(...conformanceErrors(key, without))
      }
      const withIt = await send(await token(admin, needs))
      if (withIt.body()?.errors?.[0]?.code === 'E_TOKEN_ABILITY' || withIt.status() >= 500) {
        problems.push(
          `${key}: a token with ${needs.join('+')} got ${withIt.status()} ${withIt.text().slice(0, 120)}`
        )
      }
    }
    assert.deepEqual(problems, [])
  })
})
