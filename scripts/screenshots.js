/*
 * Screenshots of the main pages, as a user sees them, in Debian's Chromium
 * (headless, no browser download). Usage:
 *   node scripts/screenshots.js <base-url> <email> <password> <out-dir>
 */
import { chromium } from 'playwright-core'
import { mkdirSync } from 'node:fs'

const [base = 'http://localhost:3333', email, password, out = 'tmp/screenshots'] =
  process.argv.slice(2)
mkdirSync(out, { recursive: true })

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
})
try {
  for (const [label, viewport] of [
    ['desktop', { width: 1440, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ]) {
    const page = await browser.newPage({ viewport })
    await page.goto(`${base}/login`)
    await page.screenshot({ path: `${out}/${label}-login.png`, fullPage: true })
    await page.fill('#email', email)
    await page.fill('#password', 'wrong password')
    await page.click('button[type=submit]')
    await page.waitForSelector('.flash.error, .field-error')
    await page.screenshot({ path: `${out}/${label}-login-error.png`, fullPage: true })
    await page.fill('#password', password)
    await page.click('button[type=submit]')
    await page.waitForURL(`${base}/`)
    for (const path of [
      '/',
      '/settings',
      '/settings/notifications',
      '/notifications',
      '/admin',
      '/admin/users',
      '/admin/queue',
      '/admin/audit',
      '/events',
      '/events/1',
      '/alerts',
      '/watch-rules',
      '/watch-rules/new',
      '/watch-rules/1/edit',
      '/purchases/1',
      '/purchases/budget',
      '/api/docs',
      '/accounts',
      '/purchases',
      '/analytics',
      '/admin/sources',
      '/admin/platforms',
    ]) {
      await page.goto(`${base}${path}`)
      await page.screenshot({
        path: `${out}/${label}-${path === '/' ? 'dashboard' : path.slice(1).replace(/\//g, '-')}.png`,
        fullPage: true,
      })
    }
    await page.close()
  }
} finally {
  await browser.close()
}
console.log(`screenshots in ${out}`)
