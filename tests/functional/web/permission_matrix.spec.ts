import { test } from '@japa/runner'
import User, { ROLES, type Role } from '#models/user'
import { createUser } from '#tests/helpers/users'
import { createPlatform, normalisedEvent } from '#tests/helpers/market'
import { upsertEvent } from '#monitoring/event_catalogue'

/**
 * Every protected route added so far × every role → allowed or forbidden.
 * A new protected route must be added here, with its expected roles.
 */
type Route = {
  method: 'get' | 'put' | 'post' | 'delete'
  url: string | ((ctx: Ctx) => string)
  allowed: Role[]
  body?: (ctx: Ctx) => Record<string, unknown>
}
type Ctx = { target: User; eventId: number; platformId: number; sourceId: number }

const ALL: Role[] = [...ROLES]
const MANAGERS: Role[] = ['admin', 'manager']
const ADMINS: Role[] = ['admin']
const WRITERS: Role[] = ['admin', 'manager', 'member']

const routes: Route[] = [
  { method: 'get', url: '/', allowed: ALL },
  { method: 'get', url: '/events', allowed: ALL },
  { method: 'get', url: ({ eventId }) => `/events/${eventId}`, allowed: ALL },
  { method: 'post', url: '/events', allowed: WRITERS, body: () => ({ reference: 'x' }) },
  {
    method: 'post',
    url: '/accounts',
    allowed: WRITERS,
    body: () => ({ platform: 'nowhere', username: 'x' }),
  },
  { method: 'get', url: '/watch-rules/new', allowed: ALL },
  { method: 'post', url: '/watch-rules', allowed: WRITERS, body: () => ({ name: '' }) },
  { method: 'get', url: '/alerts', allowed: ALL },
  { method: 'get', url: '/purchases/budget', allowed: ALL },
  {
    method: 'put',
    url: '/purchases/budget',
    allowed: WRITERS,
    body: () => ({
      currency: 'USD',
      perEventMinor: null,
      perDayMinor: 50_000,
      perMonthMinor: null,
      priceDriftBps: 300,
    }),
  },
  { method: 'get', url: '/watch-rules', allowed: ALL },
  { method: 'get', url: '/alerts', allowed: ALL },
  { method: 'get', url: '/purchases/budget', allowed: ALL },
  {
    method: 'put',
    url: '/purchases/budget',
    allowed: WRITERS,
    body: () => ({
      currency: 'USD',
      perEventMinor: null,
      perDayMinor: 50_000,
      perMonthMinor: null,
      priceDriftBps: 300,
    }),
  },
  { method: 'get', url: '/purchases', allowed: ALL },
  { method: 'get', url: '/accounts', allowed: ALL },
  { method: 'get', url: '/analytics', allowed: ALL },
  { method: 'get', url: '/analytics/alerts.csv', allowed: ALL },
  { method: 'get', url: '/analytics/purchases.csv', allowed: ALL },
  { method: 'get', url: ({ eventId }) => `/events/${eventId}/price-history.csv`, allowed: ALL },
  /** Everyone may have a calendar feed of what they watch (their own data, read-only). */
  { method: 'post', url: '/analytics/calendar', allowed: ALL },
  { method: 'get', url: '/settings', allowed: ALL },
  {
    method: 'put',
    url: '/settings/profile',
    allowed: ALL,
    body: () => ({ fullName: 'Name', timezone: 'Europe/Paris' }),
  },
  {
    method: 'post',
    url: '/settings/tokens',
    allowed: ALL,
    body: () => ({ name: 'script', abilities: ['read'] }),
  },
  { method: 'post', url: '/settings/sessions/sign-out-everywhere', allowed: ALL },
  /** Viewers are read-only: notification channels and preferences are for members up (#12 item 5). */
  { method: 'get', url: '/settings/notifications', allowed: ALL },
  {
    method: 'post',
    url: '/settings/notifications/channels',
    allowed: WRITERS,
    body: () => ({ kind: 'webhook', name: 'Hook', config: { url: 'not a url' } }),
  },
  {
    method: 'put',
    url: '/settings/notifications/preferences',
    allowed: WRITERS,
    body: () => ({ timeZone: 'UTC' }),
  },
  { method: 'get', url: '/admin', allowed: MANAGERS },
  { method: 'get', url: '/admin/sources', allowed: MANAGERS },
  {
    method: 'post',
    url: ({ sourceId }) => `/admin/sources/${sourceId}/pause`,
    allowed: MANAGERS,
    body: () => ({ reason: 'maintenance' }),
  },
  { method: 'post', url: ({ sourceId }) => `/admin/sources/${sourceId}/resume`, allowed: MANAGERS },
  { method: 'post', url: ({ sourceId }) => `/admin/sources/${sourceId}/check`, allowed: MANAGERS },
  { method: 'get', url: '/admin/queue', allowed: MANAGERS },
  {
    method: 'post',
    url: '/admin/queue/retry',
    allowed: MANAGERS,
    body: () => ({ queue: 'matrix-empty' }),
  },
  { method: 'get', url: '/admin/audit', allowed: MANAGERS },
  {
    method: 'post',
    url: '/events/discover',
    allowed: WRITERS,
    body: () => ({ platform: 'nowhere' }),
  },
  { method: 'get', url: '/admin/users', allowed: ADMINS },
  {
    method: 'put',
    url: ({ target }) => `/admin/users/${target.id}/role`,
    allowed: ADMINS,
    body: () => ({ role: 'viewer' }),
  },
  { method: 'get', url: '/admin/platforms', allowed: ADMINS },
  {
    method: 'put',
    url: ({ platformId }) => `/admin/platforms/${platformId}`,
    allowed: ADMINS,
    body: () => ({
      enabled: true,
      requestsPerSecond: 2,
      requestsPerDay: null,
      maxTicketsPerOrder: null,
    }),
  },
  { method: 'get', url: '/admin/zones', allowed: ADMINS },
  {
    method: 'put',
    url: '/admin/zones',
    allowed: ADMINS,
    body: () => ({ venue: 'Matrix Arena', section: '101', zone: 'club' }),
  },
]

async function context(): Promise<Ctx> {
  const target = await createUser('member')
  const platform = await createPlatform()
  const { eventId, sourceId } = await upsertEvent(platform.id, normalisedEvent())
  return { target, eventId, platformId: platform.id, sourceId }
}

test.group('Permission matrix: web', (group) => {
  group.each.setup(async () => {
    await User.query().delete()
  })

  for (const route of routes) {
    for (const role of ROLES) {
      const expected = route.allowed.includes(role) ? 'allowed' : 'forbidden'
      const label =
        typeof route.url === 'string'
          ? route.url
          : route.url({
              target: { id: ':id' } as any,
              eventId: ':id' as any,
              platformId: ':id' as any,
              sourceId: ':id' as any,
            })
      test(`${role} ${route.method.toUpperCase()} ${label} → ${expected}`, async ({
        client,
        assert,
      }) => {
        const actor = await createUser(role)
        const ctx = await context()
        const url = typeof route.url === 'string' ? route.url : route.url(ctx)
        let request = (client as any)
          [route.method](url)
          .loginAs(actor)
          .withCsrfToken()
          .withInertia()
          .redirects(0)
        if (route.body) request = request.json(route.body(ctx) as any)
        const response = await request
        if (expected === 'allowed') {
          assert.oneOf(
            response.status(),
            [200, 302, 303],
            `expected success, got ${response.status()}`
          )
        } else {
          assert.equal(response.status(), 403)
        }
      })
    }
  }

  test('signed-out visitors are redirected from every protected page', async ({
    client,
    assert,
  }) => {
    const ctx = await context()
    for (const route of routes) {
      const url = typeof route.url === 'string' ? route.url : route.url(ctx)
      const response = await (client as any)[route.method](url).withCsrfToken().redirects(0)
      assert.equal(response.status(), 302, url)
      assert.equal(response.header('location'), '/login', url)
    }
  })

  test('an admin cannot demote themselves', async ({ client, assert }) => {
    const admin = await createUser('admin')
    const response = await client
      .put(`/admin/users/${admin.id}/role`)
      .json({ role: 'viewer' })
      .loginAs(admin)
      .withCsrfToken()
      .withInertia()
    assert.equal(response.status(), 403)
    await admin.refresh()
    assert.equal(admin.role, 'admin')
  })
})
