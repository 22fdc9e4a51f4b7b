import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import queue from '@adonisjs/queue/services/main'
import type { Browser, Page } from 'playwright-core'
import User from '#models/user'
import { checkSource } from '#monitoring/check_market_service'
import { seedPlatforms, startTestSandbox } from '#tests/helpers/sandbox'
import { BASE_URL, hydrated, sharedBrowser, snap, visit, watchCsp } from '#tests/helpers/browser'
import { createUser } from '#tests/helpers/users'
import { SANDBOX_CREDENTIALS } from '#connectors/sandbox/sandbox_credentials'
import PurchaseExecutor from '#purchasing/executor'
import { reconcileOpenOrders } from '#purchasing/order_reconciliation'

/**
 * A new user's first session, in a real browser against the real app (the
 * test server, the sandbox exchange, a fresh SQLite file): sign up, link the
 * sandbox account, add an event, create a watch rule, see the alert arrive
 * live when the market moves, approve a purchase, open analytics. Each page
 * is saved under tmp/browser-artifacts/.
 */
test.group("Browser: a new user's journey", (group) => {
  let sandbox: Awaited<ReturnType<typeof startTestSandbox>>
  let browser: Browser
  group.setup(async () => {
    await db.from('users').delete()
    await seedPlatforms()
    sandbox = await startTestSandbox()
    browser = await sharedBrowser()
    return async () => {
      await sandbox.stop()
    }
  })

  /** Errors in the page's own scripts fail the journey. */
  function watchErrors(page: Page) {
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    return errors
  }

  test('sign up → link an account → add an event → watch rule → live alert → approve a purchase → analytics', async ({
    assert,
    cleanup,
  }) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const csp = await watchCsp(context)
    /** Closed even when the test fails: an open page keeps its event stream, and the server waits for it. */
    cleanup(() => context.close())
    const page = await context.newPage()
    const errors = watchErrors(page)

    /** Sign up: the first user of a fresh install becomes admin. */
    await visit(page, `${BASE_URL}/signup`)
    await page.fill('#fullName', 'Journey Fan')
    await page.fill('#email', 'fan@example.test')
    await page.fill('#password', 'a long enough password')
    await page.fill('#passwordConfirmation', 'a long enough password')
    await snap(page, '01-signup')
    await page.click('button[type=submit]')
    await page.waitForURL(`${BASE_URL}/`)
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor()
    await snap(page, '02-dashboard')
    const user = await User.findByOrFail('email', 'fan@example.test')
    assert.equal(user.role, 'admin')

    /** Events: empty at first, saying what to do next. */
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Events' })
      .click()
    await page.getByText('No events yet.').waitFor()
    await snap(page, '03-events-empty')

    /** Link the sandbox exchange account (checked with the platform before it is saved). */
    await visit(page, `${BASE_URL}/accounts`)
    await page.selectOption('#platform', 'sandbox')
    await page.fill('#username', 'my sandbox')
    const fields = await page
      .locator('input[id^="cred-"]')
      .evaluateAll((inputs) => inputs.map((input) => input.id))
    const values: Record<string, string> = {
      'cred-token': SANDBOX_CREDENTIALS.token,
      'cred-secret': SANDBOX_CREDENTIALS.secret,
      'cred-office_id': SANDBOX_CREDENTIALS.officeId,
    }
    for (const id of fields) await page.fill(`#${id}`, values[id] ?? '')
    await page.getByRole('button', { name: 'Check and link' }).click()
    await page.locator('.flash.success').waitFor()
    await snap(page, '04-accounts-linked')
    const accounts = await db.from('accounts').where('user_id', user.id)
    assert.lengthOf(accounts, 1)

    /** Add an event by its platform id, with progress shown while it is fetched. */
    const simEvent = sandbox.exchange.simulator.events()[0]
    await visit(page, `${BASE_URL}/events`)
    await page.fill('#reference', `sandbox:${simEvent.id}`)
    await page.getByRole('button', { name: 'Add event' }).click()
    await page.waitForURL(/\/events\/\d+$/)
    const eventId = Number(new URL(page.url()).pathname.split('/').pop())
    await page.locator('.flash.success').waitFor()
    await snap(page, '05-event-added')
    /** The scheduler's first check of the new source: the baseline later changes are compared with. */
    const source = await db.from('event_sources').where('event_id', eventId).firstOrFail()
    assert.oneOf((await checkSource(source.id)).outcome, ['done', 'unchanged'])

    await visit(page, `${BASE_URL}/events`)
    await page.getByRole('link', { name: simEvent.name }).waitFor()
    await snap(page, '06-events-list')

    /** A watch rule: two seats together under $10 — nothing that cheap is listed yet. */
    await visit(page, `${BASE_URL}/watch-rules/new?eventId=${eventId}`)
    await page.fill('#name', 'Two seats under $10')
    await page.selectOption('#eventId', String(eventId))
    await page.fill('#maxPrice', '10')
    /** This fan compares ticket prices before fees (the sandbox's fees alone are $3.50 a ticket). */
    await page.getByLabel(/Compare the all-in price/).setChecked(false)
    await snap(page, '07-watch-rule-form')
    await page.getByRole('button', { name: 'Create rule' }).click()
    await page.waitForURL(`${BASE_URL}/watch-rules`)
    await page.getByText('Two seats under $10').first().waitFor()
    await snap(page, '08-watch-rules')
    assert.equal(
      Number((await db.from('alerts').where('user_id', user.id).count('* as total').first()).total),
      0
    )

    /** The alerts page is open; the market moves; the alert arrives without a reload. */
    const subscribed = page.waitForResponse(
      (response) => response.url().endsWith('/__transmit/subscribe') && response.status() === 204
    )
    await visit(page, `${BASE_URL}/alerts`)
    await subscribed
    await page.getByText('No alerts yet.').waitFor()
    await page.evaluate(() => ((globalThis as any).__noReload = true))
    const cheap = sandbox.exchange.simulator.addListing(simEvent.id, {
      section: '114',
      row: 'F',
      retailCents: 650,
      quantity: 4,
    })
    const outcome = await checkSource(source.id)
    assert.equal(outcome.outcome, 'done')
    await page.locator('ul.alerts li').first().waitFor({ timeout: 10_000 })
    await page.getByText('1 new since you opened this page').waitFor()
    assert.isTrue(
      await page.evaluate(() => (globalThis as any).__noReload === true),
      'the page was not reloaded'
    )
    await snap(page, '09-alert-live')

    /** A second cheap listing a moment later joins the same alert instead of raising another. */
    sandbox.exchange.simulator.addListing(simEvent.id, {
      section: '203',
      row: 'B',
      retailCents: 410,
      quantity: 2,
    })
    assert.equal((await checkSource(source.id)).outcome, 'done')
    await page
      .getByTestId('alert-summary')
      .filter({ hasText: '2 new listings under $10 — best $4.10, section 203' })
      .waitFor({ timeout: 10_000 })
    assert.equal(
      Number((await db.from('alerts').where('user_id', user.id).count('* as total').first()).total),
      1,
      'one alert, updated'
    )
    await snap(page, '09b-alert-grouped')

    /** A purchase request for the cheap listing, approved on the purchases page. */
    const listing = await db
      .from('listings')
      .where({ event_id: eventId, external_id: String(cheap.id) })
      .firstOrFail()
    const xsrf =
      (await context.cookies()).find((cookie) => cookie.name === 'XSRF-TOKEN')?.value ?? ''
    const requested = await page.request.post(`${BASE_URL}/purchases`, {
      headers: { 'x-xsrf-token': decodeURIComponent(xsrf), 'accept': 'text/html' },
      data: { listingId: listing.id, quantity: 2, maxPriceMinor: 1000 },
      maxRedirects: 0,
    })
    assert.oneOf(requested.status(), [302, 303], await requested.text())
    await visit(page, `${BASE_URL}/purchases`)
    await page.getByText(simEvent.name).first().waitFor()
    await snap(page, '10-purchase-awaiting')
    /** Approve asks first, saying what will be spent: 2 × $6.50. */
    await page.getByRole('button', { name: 'Approve…' }).first().click()
    const dialog = page.getByRole('dialog', { name: 'Approve this purchase?' })
    await dialog.getByText('at most $13.00').waitFor()
    await snap(page, '10b-purchase-confirm')
    await dialog.getByRole('button', { name: 'Approve and spend up to $13.00' }).click()
    await page.locator('.flash.success').waitFor()
    await snap(page, '11-purchase-approved')
    const request = await db.from('purchase_requests').where('user_id', user.id).firstOrFail()
    assert.equal(request.status, 'approved')

    /** The worker places the order: the seller has yet to accept it. */
    sandbox.exchange.acceptOrdersAfter(null)
    assert.equal((await new PurchaseExecutor().run(request.id)).outcome, 'succeeded')
    await visit(page, `${BASE_URL}/purchases/${request.id}`)
    await page.getByTestId('order-status').filter({ hasText: 'waiting for the seller' }).waitFor()
    await snap(page, '11b-order-pending')
    /** The seller accepts; reconciliation reads it back; the open page shows it without a reload. */
    sandbox.exchange.acceptOrdersAfter(0)
    assert.equal((await reconcileOpenOrders()).confirmed, 1)
    await page
      .getByTestId('order-status')
      .filter({ hasText: 'Confirmed by the seller' })
      .waitFor({ timeout: 15_000 })
    await snap(page, '11c-order-confirmed')
    sandbox.exchange.acceptOrdersAfter(20_000)

    /** Analytics opens (its content is another part of the product). */
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Analytics' })
      .click()
    await page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor()
    await snap(page, '12-analytics')

    /** Admin pages: the queue monitor and the audit log (the approval is in it). */
    const adapter = queue.use()
    const failedId = randomUUID()
    await adapter.pushOn('default', {
      id: failedId,
      name: 'ValidateAccountHealth',
      payload: { accountId: 1 },
      attempts: 0,
    })
    adapter.setWorkerId(`journey-${randomUUID()}`)
    assert.equal((await adapter.popFrom('default'))?.id, failedId)
    await adapter.failJob(
      failedId,
      'default',
      new Error('Sandbox exchange answered 503 Service Unavailable'),
      { age: '1h' }
    )
    await visit(page, `${BASE_URL}/admin/queue`)
    await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor()
    await page.getByRole('button', { name: 'Show reason' }).click()
    await page.getByText('Sandbox exchange answered 503 Service Unavailable').waitFor()
    await snap(page, '13-admin-queue-failed')
    await page.getByRole('button', { name: 'Retry', exact: true }).click()
    await page.getByText('No failed jobs.').waitFor()
    await snap(page, '13-admin-queue-retried')
    assert.equal(
      (await db.from('queue_jobs').where('id', failedId).firstOrFail()).status,
      'pending'
    )
    await visit(page, `${BASE_URL}/admin/audit`)
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor()
    await page.locator('tbody tr').first().waitFor()
    await snap(page, '14-admin-audit')
    await visit(page, `${BASE_URL}/admin/sources`)
    await page.getByRole('heading', { name: 'Check schedule' }).waitFor()
    await snap(page, '15-admin-sources')

    await page.setViewportSize({ width: 1440, height: 900 })
    await visit(page, `${BASE_URL}/settings`)
    await page.getByRole('button', { name: 'Sign out everywhere' }).waitFor()
    await snap(page, '16-settings-sessions')

    /** A path no route matches: the 404 page, under the same headers and policy. */
    const missing = await page.goto(`${BASE_URL}/no-such-page`)
    assert.equal(missing?.status(), 404)
    assert.match(missing?.headers()['content-security-policy'] ?? '', /script-src 'self' 'nonce-/)
    assert.equal(missing?.headers()['referrer-policy'], 'same-origin')
    await hydrated(page)
    await snap(page, '17-not-found')

    assert.deepEqual(csp, [], 'no page broke the Content-Security-Policy')
    assert.deepEqual(errors, [])
  }).timeout(120_000)

  test('on a phone the navigation folds behind a button, and the keyboard reaches the content first', async ({
    assert,
    cleanup,
  }) => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    })
    const csp = await watchCsp(context)
    /** Closed even when the test fails: an open page keeps its event stream, and the server waits for it. */
    cleanup(() => context.close())
    const page = await context.newPage()
    const errors = watchErrors(page)
    const member = await createUser('member', { password: 'phone user password' })
    await visit(page, `${BASE_URL}/login`)
    await page.fill('#email', member.email)
    await page.fill('#password', 'phone user password')
    await page.click('button[type=submit]')
    await page.waitForURL(`${BASE_URL}/`)

    await visit(page, `${BASE_URL}/events`)
    const nav = page.getByRole('navigation', { name: 'Main' })
    const toggle = page.getByRole('button', { name: 'Menu' })
    assert.isTrue(await toggle.isVisible())
    assert.isFalse(await nav.isVisible())
    await snap(page, 'phone-01-events')
    await toggle.click()
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true')
    await nav.getByRole('link', { name: 'Alerts' }).waitFor({ state: 'visible' })
    await snap(page, 'phone-02-menu-open')
    await nav.getByRole('link', { name: 'Alerts' }).click()
    await page.waitForURL(`${BASE_URL}/alerts`)
    assert.isFalse(await nav.isVisible(), 'the menu closes after a visit')
    await snap(page, 'phone-03-alerts')

    /** First Tab: the skip link, visible when focused; Enter moves focus to the main content. */
    await visit(page, `${BASE_URL}/purchases`)
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(() =>
      (globalThis as any).document.activeElement?.textContent?.trim()
    )
    assert.equal(focused, 'Skip to content')
    await snap(page, 'phone-04-skip-link')
    await page.keyboard.press('Enter')
    assert.equal(await page.evaluate(() => (globalThis as any).document.activeElement?.id), 'main')

    await visit(page, `${BASE_URL}/settings`)
    await page.getByRole('button', { name: 'Sign out everywhere' }).waitFor()
    await snap(page, 'phone-05-settings')

    const pageWidth = await page.evaluate(
      () => (globalThis as any).document.documentElement.scrollWidth
    )
    assert.isAtMost(pageWidth, 390, 'nothing overflows the phone screen sideways')
    assert.deepEqual(csp, [], 'no page broke the Content-Security-Policy')
    assert.deepEqual(errors, [])
  }).timeout(60_000)
})
