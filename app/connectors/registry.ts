/**
 * The one place platforms are registered (CONVENTIONS §5): slug → factory,
 * one line per platform, plus the rows the platforms table is seeded with.
 * Connectors are built with the shared transport; none of them calls fetch.
 */
import type { Capabilities, Connector } from '#connectors/contract'
import { HttpTransport } from '#connectors/transport/http_transport'
import type { HttpTransportOptions } from '#connectors/transport/http_transport'
import type { RateLimits } from '#connectors/transport/rate_limiter'
import type { Clock, Sleep } from '#connectors/transport/types'
import { honestUserAgent } from '#connectors/transport/user_agent'
import { SsrfGuard } from '#security/ssrf_guard'
import type { SsrfGuardOptions } from '#security/ssrf_guard'
import TicketmasterConnector from '#connectors/ticketmaster/ticketmaster_connector'
import { TICKETMASTER_BASE_URL, TicketmasterClient } from '#connectors/ticketmaster/client'
import SeatGeekConnector from '#connectors/seatgeek/seatgeek_connector'
import { SEATGEEK_BASE_URL, SeatGeekClient } from '#connectors/seatgeek/client'
import StubHubConnector from '#connectors/stubhub/stubhub_connector'
import { STUBHUB_API_BASE, STUBHUB_TOKEN_URL, StubHubClient } from '#connectors/stubhub/client'
import JsonLdConnector from '#connectors/jsonld/jsonld_connector'
import { JsonLdClient } from '#connectors/jsonld/client'
import { RobotsCache } from '#connectors/jsonld/robots_cache'
import TicketEvolutionConnector, {
  TEVO_PRODUCTION_URL,
} from '#connectors/ticketevolution/ticketevolution_connector'
import { createSandboxConnector } from '#connectors/sandbox/sandbox_connector'
import { rawHttp } from '#connectors/transport/raw_adapter'

/** Per-platform settings (base URLs point tests and the sandbox at local servers). */
export interface ConnectorSettings {
  ticketmaster?: { baseUrl?: string }
  seatgeek?: { baseUrl?: string }
  stubhub?: { apiBase?: string; tokenUrl?: string }
  jsonld?: {
    defaultTimezone?: string | null
    maxCrawlWaitMs?: number
    timeoutMs?: number
    /** How long one fetch of a page serves every event (source) on it (default 60 s) */
    pageCacheMs?: number
  }
  /** Settings of platforms registered by other modules (ticketevolution, sandbox…) */
  [slug: string]: Record<string, unknown> | undefined
}

export interface ConnectorDeps {
  transport: HttpTransport
  ssrfGuard: SsrfGuard
  settings?: ConnectorSettings
  clock?: Clock
  sleep?: Sleep
}

export type ConnectorFactory = (deps: ConnectorDeps) => Connector

export const connectorFactories: Record<string, ConnectorFactory> = {
  ticketmaster: (d) =>
    new TicketmasterConnector(
      new TicketmasterClient(
        d.transport,
        d.settings?.ticketmaster?.baseUrl ?? TICKETMASTER_BASE_URL,
        d.clock
      ),
      d.clock
    ),
  seatgeek: (d) =>
    new SeatGeekConnector(
      new SeatGeekClient(d.transport, d.settings?.seatgeek?.baseUrl ?? SEATGEEK_BASE_URL),
      d.clock
    ),
  stubhub: (d) =>
    new StubHubConnector(
      new StubHubClient({
        transport: d.transport,
        apiBase: d.settings?.stubhub?.apiBase,
        tokenUrl: d.settings?.stubhub?.tokenUrl,
        clock: d.clock,
      }),
      d.clock
    ),
  jsonld: (d) =>
    new JsonLdConnector({
      client: new JsonLdClient({
        transport: d.transport,
        guard: d.ssrfGuard,
        robots: new RobotsCache({ transport: d.transport, clock: d.clock }),
        clock: d.clock,
        sleep: d.sleep,
        maxCrawlWaitMs: d.settings?.jsonld?.maxCrawlWaitMs,
        timeoutMs: d.settings?.jsonld?.timeoutMs,
      }),
      clock: d.clock,
      defaultTimezone: d.settings?.jsonld?.defaultTimezone ?? null,
      pageCacheMs: d.settings?.jsonld?.pageCacheMs,
    }),
  ticketevolution: (d) =>
    new TicketEvolutionConnector({
      transport: rawHttp(d.transport),
      baseUrl: d.settings?.ticketevolution?.baseUrl as string | undefined,
    }),
  /** The real Ticket Evolution connector, pointed at the built-in exchange: not a second code path. */
  sandbox: (d) => {
    const baseUrl = d.settings?.sandbox?.baseUrl as string | undefined
    if (!baseUrl)
      throw new Error(
        'the sandbox exchange is not running: start it with `node ace sandbox:serve` or set SANDBOX_URL'
      )
    return createSandboxConnector({ baseUrl, transport: rawHttp(d.transport) })
  },
}

export function connectorSlugs(): string[] {
  return Object.keys(connectorFactories)
}

export function createConnector(slug: string, deps: ConnectorDeps): Connector {
  const factory = connectorFactories[slug]
  if (!factory)
    throw new Error(`unknown platform "${slug}" (registered: ${connectorSlugs().join(', ')})`)
  return factory(deps)
}

export function createConnectors(deps: ConnectorDeps): Map<string, Connector> {
  return new Map(connectorSlugs().map((slug) => [slug, createConnector(slug, deps)]))
}

/** A row of the platforms table (admin-editable after seeding). */
export interface PlatformSeed {
  slug: string
  name: string
  baseUrl: string
  apiEndpoints: Record<string, string>
  scraperConfig: Record<string, unknown>
  capabilities: Capabilities
  requestsPerSecond: number
  requestsPerDay: number | null
  maxTicketsPerOrder: number | null
}

export const platformSeeds: PlatformSeed[] = [
  {
    slug: 'ticketmaster',
    name: 'Ticketmaster',
    baseUrl: TICKETMASTER_BASE_URL,
    apiEndpoints: { search: '/events.json', event: '/events/{id}.json' },
    scraperConfig: {
      auth: 'apikey query parameter',
      pageBase: 0,
      maxPageSize: 200,
      deepPagingLimit: 1000,
    },
    capabilities: { discover: true, market: true, checkout: false, listings: false },
    requestsPerSecond: 5,
    requestsPerDay: 5000,
    maxTicketsPerOrder: null,
  },
  {
    slug: 'seatgeek',
    name: 'SeatGeek',
    baseUrl: SEATGEEK_BASE_URL,
    apiEndpoints: { search: '/events', event: '/events/{id}' },
    scraperConfig: {
      auth: 'client_id query parameter',
      pageBase: 1,
      maxPageSize: 1000,
      resultWindow: 10000,
    },
    capabilities: { discover: true, market: true, checkout: false, listings: false },
    requestsPerSecond: 1,
    requestsPerDay: null,
    maxTicketsPerOrder: null,
  },
  {
    slug: 'stubhub',
    name: 'StubHub',
    baseUrl: STUBHUB_API_BASE,
    apiEndpoints: {
      token: STUBHUB_TOKEN_URL,
      search: '/catalog/events/search',
      event: '/catalog/events/{id}',
    },
    scraperConfig: { auth: 'OAuth2 client credentials, scope read:events', pageBase: 1 },
    capabilities: { discover: true, market: true, checkout: false, listings: false },
    requestsPerSecond: 1,
    requestsPerDay: null,
    maxTicketsPerOrder: null,
  },
  {
    slug: 'jsonld',
    name: 'Event pages (schema.org JSON-LD)',
    baseUrl: '',
    apiEndpoints: {},
    scraperConfig: {
      robotsTxt: true,
      productToken: 'HDTickets',
      robotsCacheHours: 24,
      ssrfGuard: true,
      perHost: true,
    },
    capabilities: { discover: false, market: true, checkout: false, listings: false },
    requestsPerSecond: 0.2,
    requestsPerDay: null,
    maxTicketsPerOrder: null,
  },
  {
    slug: 'ticketevolution',
    name: 'Ticket Evolution',
    baseUrl: TEVO_PRODUCTION_URL,
    apiEndpoints: {
      events: '/v9/events',
      event: '/v9/events/{id}',
      listings: '/v9/listings',
      orders: '/v9/orders',
    },
    scraperConfig: { auth: 'X-Token + X-Signature (HMAC-SHA256)', listingsPaged: false },
    capabilities: { discover: true, market: true, checkout: true, listings: true },
    /** Unpublished: a conservative default an admin can raise with TEvo's agreement */
    requestsPerSecond: 2,
    requestsPerDay: null,
    maxTicketsPerOrder: 8,
  },
  {
    slug: 'sandbox',
    name: 'Sandbox exchange',
    baseUrl: 'http://127.0.0.1:4010',
    apiEndpoints: {
      events: '/v9/events',
      event: '/v9/events/{id}',
      listings: '/v9/listings',
      orders: '/v9/orders',
    },
    scraperConfig: { protocol: 'Ticket Evolution v9 subset', simulated: true },
    capabilities: { discover: true, market: true, checkout: true, listings: true },
    requestsPerSecond: 10_000,
    requestsPerDay: null,
    maxTicketsPerOrder: 8,
  },
]

/** Rate limits by slug, from the seeds (or from the platforms table once edited). */
export function limitsFromSeeds(seeds: PlatformSeed[] = platformSeeds): Record<string, RateLimits> {
  return Object.fromEntries(
    seeds.map((seed) => [
      seed.slug,
      { requestsPerSecond: seed.requestsPerSecond, requestsPerDay: seed.requestsPerDay },
    ])
  )
}

/** The shared transport and SSRF guard, wired together (guarded requests use the guard's dispatcher). */
export function createSharedTransport(options: {
  version: string
  instanceUrl: string
  ssrf?: SsrfGuardOptions
  limits?: Record<string, RateLimits>
  transport?: Partial<Omit<HttpTransportOptions, 'userAgent' | 'guardedDispatcher'>>
}): { transport: HttpTransport; ssrfGuard: SsrfGuard } {
  const ssrfGuard = new SsrfGuard(options.ssrf)
  const transport = new HttpTransport({
    ...options.transport,
    userAgent: honestUserAgent(options.version, options.instanceUrl),
    limits: options.limits ?? limitsFromSeeds(),
    guardedDispatcher: ssrfGuard.createDispatcher({
      connectTimeoutMs: options.transport?.connectTimeoutMs,
      readTimeoutMs: options.transport?.readTimeoutMs,
    }),
  })
  return { transport, ssrfGuard }
}
