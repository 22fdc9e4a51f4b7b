/**
 * Issue #12, item 1: the route walk. Every route of the route table
 * (`router.toJSON()`), as a visitor and as every role (a session for the
 * pages, a bearer token for /api/v1 and /metrics), with hostile query
 * strings, with ids that exist (one of each resource, the caller's own where
 * resources have owners) and ids that do not. No answer may be a 5xx, no
 * promise may be left rejected, and /health/live answers after every request.
 *
 * A route whose parameter the walk does not know fails the walk: teach
 * `paramValue` what the new parameter names.
 */
import { test } from '@japa/runner'
import { request as httpRequest } from 'node:http'
import router from '@adonisjs/core/services/router'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import User, { ROLES, type Role } from '#models/user'
import { createUser } from '#tests/helpers/users'
import { seedPlatforms, startTestSandbox } from '#tests/helpers/sandbox'
import {
  linkSandboxAccount,
  resetPurchasing,
  sandboxListing,
  type TestSandbox,
} from '#tests/helpers/purchasing'
import { storeChannel } from '#tests/helpers/notifications'
import { purchaseService } from '#purchasing/settings'
import WatchRuleService from '#alerts/watch_rule_service'
import { createNotifications } from '#notifications/create_notifications'
import { buildAccountIssue } from '#notifications/message'

type Actor = { role: Role | 'anonymous'; user: User | null; own: Ids }
type Ids = Partial<Record<Resource, number>>
type Resource =
  | 'event'
  | 'source'
  | 'platform'
  | 'user'
  | 'rule'
  | 'alert'
  | 'purchase'
  | 'account'
  | 'token'
  | 'notification'
  | 'channel'

/** Query strings an attacker (or a careless script) sends. */
const HOSTILE_QUERIES = [
  'scope=all',
  'sort=__proto__',
  'sort=-constructor&order=toString',
  'constructor=1',
  '__proto__[admin]=1&constructor[prototype][role]=admin',
  'limit=99999999999&perPage=1e308&page=-1&cursor=%00',
  'from=2026-02-30&to=2026-13-45&since=0000-00-00&day=2026-02-30&date=yesterday',
  'scope[]=all&sort[]=name&limit[]=1&status[x]=1&q[$ne]=1',
  'unknown=1&uid=&channel=',
]
/** Non-GET routes: the hostile query once, with an empty JSON body. */
const HOSTILE_WRITE_QUERY = 'scope=all&sort=__proto__&constructor=1&limit=99999999999'
const MISSING = 987_654_321

/** Which resource an `:id` stands for, from the path it sits in. */
function resourceOf(pattern: string): Resource | null {
  const rules: Array<[RegExp, Resource]> = [
    [/\/notifications\/channels\/:id/, 'channel'],
    [/\/notifications\/:id/, 'notification'],
    [/\/watch-rules\/:id/, 'rule'],
    [/\/alerts\/:id/, 'alert'],
    [/\/purchases\/:id/, 'purchase'],
    [/\/accounts\/:id/, 'account'],
    [/\/tokens\/:id/, 'token'],
    [/\/(admin\/sources|scrapers)\/:id/, 'source'],
    [/\/(admin\/)?users\/:id/, 'user'],
    [/\/(admin\/)?platforms\/:id/, 'platform'],
    [/\/(events|tickets|analytics\/events)\/:id/, 'event'],
  ]
  return rules.find(([pattern_]) => pattern_.test(pattern))?.[1] ?? null
}

function paramValue(
  pattern: string,
  name: string,
  actor: Actor,
  world: Ids,
  missing: boolean
): string {
  switch (name) {
    case 'id': {
      const resource = resourceOf(pattern)
      if (!resource) throw new Error(`the walk does not know what :id is in ${pattern}`)
      if (missing) return String(MISSING)
      return String(actor.own[resource] ?? world[resource])
    }
    case 'eventId':
      return missing ? String(MISSING) : String(world.event)
    case 'platform':
      return missing ? 'nowhere' : 'sandbox'
    case 'kind':
      return missing ? 'nothing' : 'watch-rules'
    case 'userId':
      return missing ? String(MISSING) : String(actor.user?.id ?? world.user)
    case 'token':
      return 'not-the-calendar-token'
    default:
      throw new Error(`the walk does not know the parameter :${name} of ${pattern}`)
  }
}

function urlFor(pattern: string, actor: Actor, world: Ids, missing: boolean) {
  return pattern.replace(/:([A-Za-z_]+)\??/g, (_, name) =>
    encodeURIComponent(paramValue(pattern, name, actor, world, missing))
  )
}

const isTokenRoute = (pattern: string) => pattern.startsWith('/api/v1/') || pattern === '/metrics'

/** Everything one user owns, made the way the app makes it (what their role allows). */
async function seedOwn(user: User, world: Ids & { listing: number }): Promise<Ids> {
  const own: Ids = {}
  const token = await User.accessTokens.create(user, ['read'], { name: 'walk' })
  own.token = Number(token.identifier)
  const alertRows = await db
    .table('alerts')
    .insert({
      user_id: user.id,
      type: 'ticket_available',
      condition: 'available',
      dedupe_key: `walk-${user.id}`,
      reason: '{"text":"walk"}',
      detected_at: new Date(),
      created_at: new Date(),
    })
    .returning('id')
  own.alert = Number((alertRows[0] as any)?.id ?? alertRows[0])
  const [inbox] = await createNotifications([
    {
      userId: user.id,
      message: buildAccountIssue(
        { platform: 'sandbox', issue: 'walk' },
        { appUrl: 'http://localhost', now: new Date() }
      ),
    },
  ])
  own.notification = inbox.id
  own.channel = Number(await storeChannel(user.id, 'webhook', { url: 'http://127.0.0.1:9/h' }))
  if (user.hasRoleAtLeast('member')) {
    const rule = await new WatchRuleService().create(user, {
      name: 'Walk',
      eventId: world.event,
      triggers: [{ kind: 'available' }],
    } as any)
    own.rule = Number(rule.id)
    const account = await linkSandboxAccount(user)
    own.account = Number(account.id)
    const { request } = await purchaseService().create(user, {
      listingId: world.listing,
      quantity: 2,
    })
    own.purchase = Number(request.id)
  }
  return own
}

/** Sends one request as `actor`; the SSE stream is read up to its status line. */
async function send(
  client: ApiClient,
  actor: Actor,
  method: string,
  url: string,
  options: { inertia?: boolean; body?: boolean }
): Promise<{ status: number; text: string }> {
  const pattern = url.split('?')[0]
  let request = (client as any)[method.toLowerCase()](url).redirects(0)
  if (actor.user && isTokenRoute(pattern)) {
    const abilities = actor.role === 'admin' ? ['read', 'write', 'purchase', 'admin'] : ['read']
    if (actor.role === 'member' || actor.role === 'manager') abilities.push('write', 'purchase')
    /** A token per request: the per-token rate limit must not answer for the route. */
    const token = await User.accessTokens.create(actor.user, abilities, { name: 'walk' })
    request = request.bearerToken(token.value!.release())
  } else if (actor.user) {
    request = request.loginAs(actor.user)
  }
  if (method !== 'GET') request = request.withCsrfToken()
  if (options.inertia && !isTokenRoute(pattern)) request = request.withInertia()
  if (options.body) request = request.json({})
  if (pattern === '/__transmit/events') return streamStatus(client, actor, url)
  const response = await request
  return { status: response.status(), text: response.text() }
}

/**
 * The event stream never ends: it is opened by hand, with the session cookie
 * a signed-in request carries, and read up to its status line.
 */
async function streamStatus(client: ApiClient, actor: Actor, url: string) {
  let cookie: string | undefined
  if (actor.user) {
    const probe = client.get('/health/live').loginAs(actor.user)
    await probe
    cookie = [(probe.request as any).header.Cookie ?? []].flat().join('; ')
  }
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: process.env.HOST,
        port: process.env.PORT,
        path: url,
        headers: cookie ? { cookie } : {},
      },
      (res) => {
        const status = res.statusCode ?? 0
        if (res.headers['content-type']?.includes('text/event-stream')) {
          resolve({ status, text: '' })
          req.destroy()
          return
        }
        let text = ''
        res.on('data', (chunk) => (text += chunk))
        res.on('end', () => resolve({ status, text }))
      }
    )
    req.on('error', reject)
    req.end()
  })
}

test.group('Route walk', (group) => {
  let sandbox: TestSandbox

  group.setup(async () => {
    await resetPurchasing()
    await seedPlatforms()
    /**
     * The walk posts to the admin's platform routes (credentials, limits,
     * enabled): the platform rows go back as they were, for the files after it.
     */
    const platforms = await db.from('platforms')
    sandbox = await startTestSandbox()
    return async () => {
      await sandbox.stop()
      for (const { id, ...row } of platforms) await db.from('platforms').where('id', id).update(row)
    }
  })

  test('every route, as everyone, with hostile queries: no 5xx, and the server stays up', async ({
    client,
    assert,
  }) => {
    const owner = await createUser('member')
    const seeded = await sandboxListing(sandbox)
    const platform = await db.from('platforms').where('slug', 'sandbox').firstOrFail()
    const world = {
      event: seeded.eventId,
      source: seeded.sourceId,
      platform: Number(platform.id),
      user: owner.id,
      listing: seeded.listingId,
    }
    Object.assign(world, await seedOwn(owner, world))

    const actors: Actor[] = [{ role: 'anonymous', user: null, own: {} }]
    for (const role of ROLES) {
      const user = await createUser(role)
      actors.push({ role, user, own: await seedOwn(user, world) })
    }

    const routes = Object.values(router.toJSON())
      .flat()
      .flatMap((route) =>
        route.methods
          .filter((method) => method !== 'HEAD')
          .map((method) => ({ method, pattern: route.pattern }))
      )
    /** Reads first, destructive verbs last, so that ids that should exist still do. */
    const order = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
    routes.sort((a, b) => order.indexOf(a.method) - order.indexOf(b.method))
    assert.isAbove(routes.length, 100, 'the route table is walked whole')

    const rejections: unknown[] = []
    const onRejection = (reason: unknown) => rejections.push(reason)
    process.on('unhandledRejection', onRejection)
    const problems: string[] = []
    let sent = 0
    try {
      for (const { method, pattern } of routes) {
        const hasParams = pattern.includes(':')
        for (const actor of actors) {
          const attempts: Array<{ url: string; inertia?: boolean; body?: boolean }> = []
          const base = urlFor(pattern, actor, world, false)
          if (method === 'GET') {
            attempts.push({ url: base }, { url: base, inertia: true })
            for (const query of HOSTILE_QUERIES)
              attempts.push({ url: `${base}?${query}`, inertia: true })
          } else {
            attempts.push({ url: base, inertia: true, body: true })
            attempts.push({ url: `${base}?${HOSTILE_WRITE_QUERY}`, inertia: true, body: true })
          }
          if (hasParams)
            attempts.push({
              url: urlFor(pattern, actor, world, true),
              inertia: true,
              body: method !== 'GET',
            })
          for (const attempt of attempts) {
            sent++
            const label = `${actor.role} ${method} ${attempt.url}${attempt.inertia ? '' : ' (page)'}`
            const { status, text } = await send(client, actor, method, attempt.url, attempt)
            if (status >= 500) problems.push(`${label} → ${status} ${text.slice(0, 200)}`)
            const live = await client.get('/health/live')
            if (live.status() !== 200)
              problems.push(`${label}: /health/live answered ${live.status()} afterwards`)
            if (rejections.length)
              problems.push(`${label}: left ${rejections.splice(0).length} promise(s) rejected`)
          }
        }
      }
    } finally {
      process.off('unhandledRejection', onRejection)
    }
    assert.isAbove(sent, 1000)
    assert.deepEqual(problems, [])
  }).timeout(900_000)
})
