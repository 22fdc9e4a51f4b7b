/**
 * Discovery and adding events: pages through a platform's search and
 * upserts what it finds (no duplicates; the same game on two platforms is
 * linked), or adds one event by URL or platform id and fetches its market.
 */
import type { DiscoverQuery, NormalisedEvent } from '#connectors/contract'
import { connectorRuntime } from '#connectors/runtime'
import Platform from '#models/platform'
import ApiException from '#exceptions/api_exception'
import { upsertEvent } from '#monitoring/event_catalogue'
import { writeMarket } from '#monitoring/market_writer'
import { marketHash } from '#monitoring/market_hash'

export interface DiscoverProgress {
  page: number
  seen: number
  total: number | null
}

export interface DiscoverResult {
  seen: number
  createdEvents: number
  linkedSources: number
  updated: number
  pages: number
}

async function platformBySlug(slug: string) {
  const platform = await Platform.findBy('slug', slug)
  if (!platform) {
    const known = (await Platform.query().select('slug')).map((row) => row.slug).join(', ')
    throw new ApiException(
      'E_UNKNOWN_PLATFORM',
      `Unknown platform "${slug}" (known: ${known})`,
      422,
      'platform'
    )
  }
  if (!platform.enabled)
    throw new ApiException('E_PLATFORM_DISABLED', `Platform "${slug}" is disabled`, 422, 'platform')
  return platform
}

export async function discoverEvents(
  slug: string,
  query: DiscoverQuery,
  options: {
    maxPages?: number
    userId?: number | null
    onPage?: (progress: DiscoverProgress) => void
    /** Keeps only the events this returns true for (a follow rule's own filter); the others are not stored */
    accept?: (event: NormalisedEvent) => boolean
  } = {}
): Promise<DiscoverResult> {
  const platform = await platformBySlug(slug)
  const runtime = await connectorRuntime()
  const connector = runtime.connector(slug)
  if (!connector.capabilities.discover) {
    throw new ApiException(
      'E_NO_DISCOVERY',
      `${connector.name} cannot search events; add them by URL or id`,
      422,
      'platform'
    )
  }
  const context = await runtime.context(platform, options.userId ?? null)
  const result: DiscoverResult = {
    seen: 0,
    createdEvents: 0,
    linkedSources: 0,
    updated: 0,
    pages: 0,
  }
  let page: number | null = query.page ?? null
  const maxPages = options.maxPages ?? 10
  do {
    const found = await connector.discoverEvents(
      { ...query, ...(page !== null ? { page } : {}) },
      context
    )
    result.pages++
    for (const event of found.events) {
      if (options.accept && !options.accept(event)) continue
      const upserted = await upsertEvent(platform.id, event)
      result.seen++
      if (upserted.created === 'event') result.createdEvents++
      else if (upserted.created === 'source') result.linkedSources++
      else result.updated++
    }
    options.onPage?.({ page: result.pages, seen: result.seen, total: found.total })
    page = found.nextPage
  } while (page !== null && result.pages < maxPages)
  return result
}

/**
 * `https://…` → the schema.org page connector (robots.txt and the SSRF guard
 * apply); `<platform>:<id>` → that platform's event.
 */
export function parseEventReference(input: string): { slug: string; ref: string } {
  const value = input.trim()
  if (/^https?:\/\//i.test(value)) {
    try {
      new URL(value)
    } catch {
      throw new ApiException('E_BAD_REFERENCE', `"${value}" is not a valid URL`, 422, 'reference')
    }
    return { slug: 'jsonld', ref: value }
  }
  const match = value.match(/^([a-z][a-z0-9_-]*):(.+)$/i)
  if (!match) {
    throw new ApiException(
      'E_BAD_REFERENCE',
      `"${value}" is neither a URL nor <platform>:<event id> (e.g. sandbox:2000001, ticketmaster:G5diZfkn0B-bh)`,
      422,
      'reference'
    )
  }
  return { slug: match[1].toLowerCase(), ref: match[2] }
}

export async function addEvent(
  input: string,
  options: { userId?: number | null; now?: Date } = {}
) {
  const { slug, ref } = parseEventReference(input)
  const platform = await platformBySlug(slug)
  const runtime = await connectorRuntime()
  const connector = runtime.connector(slug)
  const context = await runtime.context(platform, options.userId ?? null)
  const snapshot = await connector.fetchMarket(ref, context)
  const upserted = await upsertEvent(platform.id, snapshot.event)
  /** With its fingerprint stored, this load is the baseline: the next scheduled check alerts on what changed since. */
  const written = await writeMarket(
    { id: upserted.sourceId, eventId: upserted.eventId },
    snapshot,
    options.now ?? new Date(),
    marketHash(snapshot)
  )
  return {
    ...upserted,
    event: snapshot.event,
    listings: snapshot.listings?.length ?? null,
    changes: written.changes.length,
  }
}
