/**
 * Debian's Chromium driven by playwright-core (never a browser download),
 * headless, for the browser suite. Screenshots go to tmp/browser-artifacts/.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const ARTIFACTS = new URL('../../tmp/browser-artifacts/', import.meta.url).pathname
export const BASE_URL = `http://${process.env.HOST}:${process.env.PORT}`

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`
    )
  }
  const args = [
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ]
  if (process.getuid?.() === 0) args.unshift('--no-sandbox')
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args })
}

/** A full-page screenshot named after the step, kept as a test artifact. */
export async function snap(page: Page, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true })
  const path = `${ARTIFACTS}${name}.png`
  await page.screenshot({ path, fullPage: true })
  return path
}

/** Opens a page and waits until Vue has taken over the server-rendered HTML. */
export async function visit(page: Page, url: string) {
  await page.goto(url.startsWith('http') ? url : `${BASE_URL}${url}`)
  await hydrated(page)
}

/** After a full page load (not an Inertia visit, which keeps the app mounted). */
export async function hydrated(page: Page) {
  await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' })
}

/**
 * Collects every Content-Security-Policy violation a context's pages report
 * (the `securitypolicyviolation` event, and Chromium's console message), so a
 * test can assert the pages run under the policy (#12 item 10).
 */
export async function watchCsp(context: BrowserContext): Promise<string[]> {
  const violations: string[] = []
  await context.exposeBinding('__reportCspViolation', (_source, text: string) => {
    violations.push(text)
  })
  /** Runs in the page (hence globalThis: this file is compiled without the DOM types). */
  await context.addInitScript(() => {
    const page = globalThis as any
    page.document.addEventListener('securitypolicyviolation', (event: any) => {
      page.__reportCspViolation(
        `${page.location.pathname}: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`
      )
    })
  })
  context.on('page', (page) => {
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text()))
        violations.push(`${page.url()}: ${message.text()}`)
    })
  })
  return violations
}
