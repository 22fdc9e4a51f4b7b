import { EventGone, RateLimited, SourceBlocked, Unavailable } from '#connectors/errors'
import type { HttpTransport } from '#connectors/transport/http_transport'
import type { Clock, Sleep, WaitListener } from '#connectors/transport/types'
import { realSleep, systemClock } from '#connectors/transport/types'
import type { SsrfGuard } from '#security/ssrf_guard'
import { SsrfRefused } from '#security/ssrf_guard'
import type { RobotsCache } from '#connectors/jsonld/robots_cache'

export interface JsonLdClientOptions {
  transport: HttpTransport
  guard: SsrfGuard
  robots: RobotsCache
  clock?: Clock
  sleep?: Sleep
  /** Without a caller's deadline, wait for a Crawl-delay up to this long; longer is RateLimited (default 2 s) */
  maxCrawlWaitMs?: number
  timeoutMs?: number
}

/**
 * Fetches a public event page politely: SSRF guard → robots.txt → Crawl-delay
 * → one GET with the honest User-Agent through the guarded dispatcher.
 */
/** How long the caller can wait (a command's or a job's deadline) and who hears about waits. */
export interface WaitOptions {
  deadlineAt?: number
  onWait?: WaitListener
}

export class JsonLdClient {
  readonly #options: JsonLdClientOptions
  readonly #clock: Clock
  readonly #sleep: Sleep
  readonly #lastFetchAt = new Map<string, number>()

  constructor(options: JsonLdClientOptions) {
    this.#options = options
    this.#clock = options.clock ?? systemClock
    this.#sleep = options.sleep ?? realSleep
  }

  async fetchPage(pageUrl: string, wait: WaitOptions = {}): Promise<{ html: string; url: string }> {
    const url = await this.#admit(pageUrl, wait)
    await this.#crawlDelay(url, wait)
    const response = await this.#options.transport.request({
      deadlineAt: wait.deadlineAt,
      onWait: wait.onWait,
      source: 'jsonld',
      sourceKey: `jsonld:${url.host}`,
      circuitKey: `jsonld:${url.host}`,
      url: url.toString(),
      expect: 'html',
      authenticated: false,
      guarded: true,
      maxRedirects: 5,
      beforeRedirect: async (next) => {
        await this.#admit(next.toString(), wait)
      },
      endpoint: 'GET event page',
      eventRef: pageUrl,
      timeoutMs: this.#options.timeoutMs,
    })
    this.#lastFetchAt.set(url.host, this.#clock.now())
    if (response.status === 404 || response.status === 410) throw new EventGone('jsonld', pageUrl)
    if (response.status < 200 || response.status >= 300) {
      throw new Unavailable('jsonld', `HTTP ${response.status} from ${url.host}`)
    }
    return { html: response.text, url: url.toString() }
  }

  /** SSRF guard, then robots.txt for our product token. */
  async #admit(target: string, wait: WaitOptions): Promise<URL> {
    let url: URL
    try {
      url = (await this.#options.guard.check(target)).url
    } catch (error) {
      if (error instanceof SsrfRefused) throw new SourceBlocked('jsonld', error.message, 'ssrf')
      throw error
    }
    url.hash = ''
    const policy = await this.#options.robots.policyFor(url, wait)
    if (!policy.isAllowed(`${url.pathname}${url.search}`)) {
      const why = policy.note ? `: ${policy.note}` : ''
      throw new SourceBlocked(
        'jsonld',
        `robots.txt of ${url.origin} disallows ${url.pathname} for HDTickets${why}`,
        'robots'
      )
    }
    return url
  }

  async #crawlDelay(url: URL, options: WaitOptions): Promise<void> {
    const policy = await this.#options.robots.policyFor(url, options)
    const last = this.#lastFetchAt.get(url.host)
    if (!policy.crawlDelayMs || last === undefined) return
    const now = this.#clock.now()
    const wait = last + policy.crawlDelayMs - now
    if (wait <= 0) return
    const budget =
      options.deadlineAt !== undefined
        ? options.deadlineAt - now
        : (this.#options.maxCrawlWaitMs ?? 2_000)
    if (wait > budget) {
      throw new RateLimited('jsonld', wait, `robots.txt Crawl-delay for ${url.host}`)
    }
    options.onWait?.({ source: 'jsonld', waitMs: wait, reason: 'robots.txt Crawl-delay' })
    await this.#sleep(wait)
  }
}
