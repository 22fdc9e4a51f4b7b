import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type { Browser } from 'playwright-core'
import type User from '#models/user'
import { checkSource } from '#monitoring/check_market_service'
import { discoverEvents } from '#monitoring/discovery_service'
import AccountService from '#services/account_service'
import WatchRuleService from '#alerts/watch_rule_service'
import { purchaseService } from '#purchasing/settings'
import { sandboxCredential } from '#connectors/sandbox/sandbox_credentials'
import { seedPlatforms, startTestSandbox } from '#tests/helpers/sandbox'
import {
  BASE_URL,
  DESKTOP,
  PHONE,
  horizontalOverflow,
  logIn,
  overflowingElements,
  sharedBrowser,
  snap,
  visit,
  watchCsp,
  watchProblems,
} from '#tests/helpers/browser'
import { createUser } from '#tests/helpers/users'
import type { Role } from '#models/user'

/**
 * Every page, as each role sees it, on a desktop (1440 px) and a phone
 * (390 px): nothing in the console (errors, warnings, Vue hydration
 * mismatches), no request that fails or answers an error (a missing favicon
 * included), nothing wider than the screen, and on the desktop a
 * navigation that fits on one line. A screenshot of each in
 * tmp/browser-artifacts/pages/.
 */
const PASSWORD = 'a walk through every page'

test.group('Browser: every page, each role, desktop and phone', (group) => {
  let sandbox: Awaited<ReturnType<typeof startTestSandbox>>
  let browser: Browser
  const users = {} as Record<Role, User>
  const own = {} as Record<Role, { ruleId?: number; purchaseId?: number }>
  let eventId = 0

  /** A user with what a real one has after a while: a linked account, a rule, alerts, a purchase request. */
  async function furnish(user: User) {
    await new AccountService().link(user, {
      platform: 'sandbox',
      username: 'walk account',
      credentials: sandboxCredential(),
    })
    const rule = await new WatchRuleService().create(user, {
      name: 'Two seats under $200',
      eventId,
      maxPriceMinor: 20_000,
      currency: 'USD',
      minQuantity: 2,
      triggers: [{ kind: 'available' }],
      importance: 3,
    } as any)
    const listing = await db
      .from('listings')
      .where('event_id', eventId)
      .where('status', 'available')
      .where('quantity', '>=', 2)
      .orderBy('price_minor', 'asc')
      .firstOrFail()
    const splits: number[] =
      typeof listing.splits === 'string' ? JSON.parse(listing.splits) : (listing.splits ?? [2])
    const { request } = await purchaseService().create(user, {
      listingId: listing.id,
      quantity: splits.includes(2) ? 2 : Math.min(...splits),
      maxPriceMinor: Math.round(listing.price_minor * 1.1),
    })
    return { ruleId: Number(rule.id), purchaseId: Number(request.id) }
  }

  group.setup(async () => {
    await seedPlatforms()
    sandbox = await startTestSandbox()
    browser = await sharedBrowser()
    await discoverEvents('sandbox', {}, { maxPages: 2 })
    const events = await db.from('events').orderBy('id', 'asc').select('id')
    eventId = Number(events[0].id)
    for (const source of await db.from('event_sources').whereIn('event_id', [eventId]))
      await checkSource(source.id)
    for (const role of ['admin', 'manager', 'member', 'viewer'] as const) {
      users[role] = await createUser(role, { password: PASSWORD })
      own[role] = role === 'viewer' ? {} : await furnish(users[role])
    }
    /** The market moves: the rules fire, so the alerts pages have something to show. */
    const simEvent = sandbox.exchange.simulator.events()[0]
    sandbox.exchange.simulator.addListing(simEvent.id, {
      section: '114',
      row: 'F',
      retailCents: 4_100,
      quantity: 4,
    })
    for (const source of await db.from('event_sources').where('event_id', eventId))
      await checkSource(source.id)
    return () => sandbox.stop()
  })

  function pagesFor(role: Role) {
    const pages = [
      '/',
      '/events',
      `/events/${eventId}`,
      '/watch-rules',
      '/alerts',
      '/purchases',
      '/purchases/budget',
      '/accounts',
      '/analytics',
      '/notifications',
      '/settings',
      '/settings/notifications',
      '/api/docs',
    ]
    if (role !== 'viewer') {
      pages.push('/watch-rules/new', `/watch-rules/${own[role].ruleId}/edit`)
      pages.push(`/purchases/${own[role].purchaseId}`)
    }
    if (role === 'admin' || role === 'manager')
      pages.push('/admin', '/admin/sources', '/admin/queue', '/admin/audit')
    if (role === 'admin') pages.push('/admin/users', '/admin/platforms', '/admin/zones')
    return pages
  }

  for (const role of ['admin', 'manager', 'member', 'viewer'] as const) {
    test(`{$self}`)
      .with([`${role} on a desktop`, `${role} on a phone`])
      .run(async ({ assert, cleanup }, label) => {
        const phone = label.endsWith('phone')
        const context = await browser.newContext({
          viewport: phone ? PHONE : DESKTOP,
          ...(phone ? { isMobile: true, hasTouch: true } : {}),
        })
        /** Closed even when the test fails: an open page keeps its event stream, and the server waits for it. */
        cleanup(() => context.close())
        const csp = await watchCsp(context)
        const page = await context.newPage()
        const problems = watchProblems(page)
        await logIn(page, users[role].email, PASSWORD)
        const found: string[] = []
        for (const path of pagesFor(role)) {
          problems.length = 0
          await visit(page, `${BASE_URL}${path}`)
          /** Late console messages (hydration, charts drawn after mount) come within a frame or two. */
          await page.waitForTimeout(150)
          const overflow = await horizontalOverflow(page)
          if (overflow > 0)
            found.push(
              `${path}: ${overflow} px wider than the screen (${(await overflowingElements(page)).join(', ')})`
            )
          if (!phone) {
            const rows = await page
              .locator('nav[aria-label="Main"] a')
              .evaluateAll((links) => new Set(links.map((link) => (link as any).offsetTop)).size)
            if (rows > 1) found.push(`${path}: the navigation wraps onto ${rows} lines`)
          }
          for (const problem of problems) found.push(`${path}: ${problem}`)
          for (const violation of csp.splice(0)) found.push(`${path}: CSP ${violation}`)
          await snap(
            page,
            `pages/${role}-${phone ? 'phone' : 'desktop'}-${path === '/' ? 'dashboard' : path.slice(1).replace(/\//g, '-')}`
          )
        }
        assert.deepEqual(found, [])
      })
      .timeout(240_000)
  }
})
