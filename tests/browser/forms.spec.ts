import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type { Browser, Page } from 'playwright-core'
import { discoverEvents } from '#monitoring/discovery_service'
import { seedPlatforms, startTestSandbox } from '#tests/helpers/sandbox'
import {
  BASE_URL,
  DESKTOP,
  logIn,
  sharedBrowser,
  snap,
  visit,
  watchProblems,
} from '#tests/helpers/browser'
import { createUser } from '#tests/helpers/users'

/**
 * Every server-side refusal appears beside its field, in the field's own
 * words and the unit the person typed — including the ones that used to be
 * silent (a mismatched password confirmation, a 500-character channel name,
 * a 3,000-character URL, "abc" for a budget).
 */
test.group('Browser: form errors beside their fields', (group) => {
  let browser: Browser
  let sandbox: Awaited<ReturnType<typeof startTestSandbox>>
  group.setup(async () => {
    await seedPlatforms()
    sandbox = await startTestSandbox({ events: 3 })
    await discoverEvents('sandbox', {}, { maxPages: 1 })
    browser = await sharedBrowser()
    return async () => {
      await sandbox.stop()
      /** The journey that follows starts from a fresh install: no events yet. */
      await db.from('events').delete()
    }
  })

  async function errorOf(page: Page, id: string) {
    const error = page.locator(`#${id}`)
    await error.waitFor({ timeout: 10_000 })
    return (await error.textContent())?.trim() ?? ''
  }

  test('sign-up: two different passwords are said so beside the repeated one', async ({
    assert,
    cleanup,
  }) => {
    const context = await browser.newContext({ viewport: DESKTOP })
    /** Closed even when the test fails: an open page keeps its event stream, and the server waits for it. */
    cleanup(() => context.close())
    const page = await context.newPage()
    const problems = watchProblems(page)
    await visit(page, `${BASE_URL}/signup`)
    await page.fill('#email', 'mismatch@example.test')
    await page.fill('#password', 'a long enough password')
    await page.fill('#passwordConfirmation', 'another long password')
    await page.click('button[type=submit]')
    assert.equal(
      await errorOf(page, 'passwordConfirmation-error'),
      'The two passwords differ: type the same password twice'
    )
    await snap(page, 'forms-signup-mismatch')
    assert.deepEqual(
      problems.filter(
        (problem) => !problem.includes('HTTP 422') && !problem.includes('status of 422')
      ),
      []
    )
  }).timeout(60_000)

  test('settings, budget, watch rule and webhook channel: each error beside its field, in dollars, %, labels', async ({
    assert,
    cleanup,
  }) => {
    const user = await createUser('member', { password: 'forms user password' })
    const context = await browser.newContext({ viewport: DESKTOP })
    /** Closed even when the test fails: an open page keeps its event stream, and the server waits for it. */
    cleanup(() => context.close())
    const page = await context.newPage()
    await logIn(page, user.email, 'forms user password')

    /** Change password with a mismatch. */
    await visit(page, `${BASE_URL}/settings`)
    await page.fill('#currentPassword', 'forms user password')
    await page.fill('#newPassword', 'a brand new password')
    await page.fill('#passwordConfirmation', 'not the same password')
    await page.getByRole('button', { name: 'Change password' }).click()
    assert.equal(
      await errorOf(page, 'passwordConfirmation-error'),
      'The two passwords differ: type the same password twice'
    )

    /** Budget: "abc" per day is no amount; 60 % tolerance is over the limit, said in %. */
    await visit(page, `${BASE_URL}/purchases/budget`)
    await page.fill('#perDay', 'abc')
    await page.fill('#drift', '60')
    await page.getByRole('button', { name: /save/i }).click()
    assert.equal(
      await errorOf(page, 'perDay-error'),
      'Per day must be an amount, like 150 or 149.99'
    )
    assert.equal(await errorOf(page, 'drift-error'), 'Price tolerance can be at most 50 %')
    await snap(page, 'forms-budget')
    const budget = await db.from('purchase_budgets').where('user_id', user.id).first()
    assert.isTrue(!budget || budget.per_day_minor === null, 'nothing stored')

    /** Watch rule: a cap in dollars over the limit is stated in dollars. */
    await visit(page, `${BASE_URL}/watch-rules/new`)
    await page.fill('#name', 'Too dear')
    await page.fill('#maxPrice', '2000000')
    await page.getByRole('button', { name: 'Create rule' }).click()
    assert.equal(
      await errorOf(page, 'maxPrice-error'),
      'Max price per ticket can be at most 1,000,000.00'
    )
    await snap(page, 'forms-watch-rule')

    /** Webhook channel: a 500-character name and a 3,000-character URL are refused beside each field. */
    await visit(page, `${BASE_URL}/settings/notifications`)
    await page.selectOption('#channel-kind', 'webhook')
    await page.fill('#channel-name', 'n'.repeat(500))
    await page.fill('#channel-url', `https://example.com/${'u'.repeat(3000)}`)
    await page.getByRole('button', { name: /add channel/i }).click()
    assert.match(await errorOf(page, 'name-error'), /1–120 characters/)
    assert.isNotEmpty(await errorOf(page, 'url-error'))
    await snap(page, 'forms-webhook')
    assert.lengthOf(await db.from('notification_channels').where('user_id', user.id), 0)
  }).timeout(120_000)
})
