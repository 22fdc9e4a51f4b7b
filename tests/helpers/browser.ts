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

/**
 * One browser for the whole browser pass: every file asks for it, the first
 * call launches it and the suite's teardown (tests/bootstrap.ts) closes it.
 */
let shared: Promise<Browser> | null = null
export function sharedBrowser(): Promise<Browser> {
  shared ??= launchBrowser()
  return shared
}
export async function closeSharedBrowser() {
  if (!shared) return
  const browser = await shared
  shared = null
  await browser.close()
}

export const DESKTOP = { width: 1440, height: 900 }
export const PHONE = { width: 390, height: 844 }

/**
 * What a person would notice going wrong on a page: errors and warnings in
 * the console (Vue's hydration mismatches among them), the page's own
 * exceptions, requests that failed or answered 4xx/5xx (a missing favicon
 * too). Collected from the moment the page is opened.
 */
export function watchProblems(page: Page) {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`console ${message.type()}: ${message.text().slice(0, 300)}`)
  })
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`))
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? ''
    /** A navigation or an open event stream cut short by the next visit is not a failure. */
    if (failure.includes('ERR_ABORTED')) return
    problems.push(`request failed: ${request.method()} ${request.url()} ${failure}`)
  })
  page.on('request', (request) => {
    /** Everything the app needs comes from the app itself: it works offline, with no CDN. */
    const url = new URL(request.url())
    if (url.protocol.startsWith('http') && url.host !== new URL(BASE_URL).host)
      problems.push(`request to another host: ${request.url()}`)
  })
  page.on('response', (response) => {
    if (response.status() >= 400)
      problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`)
  })
  return problems
}

/** How far the page is wider than the screen, in CSS pixels (0: no sideways scrolling). */
export async function horizontalOverflow(page: Page) {
  return page.evaluate(() => {
    const doc = (globalThis as any).document.documentElement
    return Math.max(0, doc.scrollWidth - doc.clientWidth)
  })
}

/** The elements sticking out past the right edge of the screen, to say which one overflows. */
export async function overflowingElements(page: Page) {
  return page.evaluate(() => {
    const doc = (globalThis as any).document
    const width = doc.documentElement.clientWidth
    const found: string[] = []
    for (const element of doc.querySelectorAll('main *, header *')) {
      const box = element.getBoundingClientRect()
      if (box.right > width + 1 && box.width > 0) {
        const parent = element.parentElement
        if (parent && parent.getBoundingClientRect().right > width + 1) continue
        found.push(
          `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(' ').join('.')}` : ''} (${Math.round(box.right)} px)`
        )
      }
    }
    return found.slice(0, 5)
  })
}

/** Logs in through the form and waits for the dashboard. */
export async function logIn(page: Page, email: string, password: string) {
  await visit(page, `${BASE_URL}/login`)
  await page.fill('#email', email)
  await page.fill('#password', password)
  await page.click('button[type=submit]')
  await page.waitForURL(`${BASE_URL}/`)
  await hydrated(page)
}
