/**
 * Discovery and adding events: pages through a platform's search and
 * upserts what it finds (no duplicates; the same game on two platforms is
 * linked), or adds one event by URL or platform id and fetches its market.
 */
import type {
  ConnectorContext,
  DiscoverQuery,
  MarketSnapshot,
  NormalisedEvent,
  PageMarkets,
} from '#connectors/contract'
import { SourceBlocked } from '#connectors/errors'
import { describeProblem } from '#connectors/transport/each_valid'
import type { WaitListener } from '#connectors/transport/types'
import { normalisePageUrl } from '#connectors/jsonld/identity'
import { connectorRuntime } from '#connectors/runtime'
import Platform from '#models/platform'
import { apiErrors } from '#exceptions/catalogue'
import { upsertEvent } from '#monitoring/event_catalogue'
import { writeMarket } from '#monitoring/market_writer'
import { marketHash } from '#monitoring/market_hash'
import { recordNotice, reportChallenge } from '#monitoring/platform_notices'
import db from '@adonisjs/lucid/services/db'

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
  /** Events whose price summary (from the search page itself) was stored */
  priced: number
  /** Events that had already started: not stored */
  past: number
  /** Items of a page that failed validation, each as "event <id> at <path>: <reason>" */
  skipped: string[]
  /** Pages that contradicted themselves (also on the source health page) */
  inconsistencies: string[]
}

/** How long a caller can wait for the platform's rate limits, and who hears about it. */
export interface WaitOptions {
  /** Epoch ms; a limiter or Crawl-delay wait that ends before it is waited */
  deadlineAt?: number
  onWait?: WaitListener
}

async function platformBySlug(slug: string) {
  const platform = await Platform.findBy('slug', slug)
  if (!platform) {
    const known = (await Platform.query().select('slug')).map((row) => row.slug).join(', ')
    throw new apiErrors.E_UNKNOWN_PLATFORM(
      `Unknown platform "${slug}" (known: ${known})`,
      'platform'
    )
  }
  if (!platform.enabled)
    throw new apiErrors.E_PLATFORM_DISABLED(`Platform "${slug}" is disabled`, 'platform')
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
    now?: Date
  } & WaitOptions = {}
): Promise<DiscoverResult> {
  const platform = await platformBySlug(slug)
  const runtime = await connectorRuntime()
  const connector = runtime.connector(slug)
  if (!connector.capabilities.discover) {
    throw new apiErrors.E_NO_DISCOVERY(
      `${connector.name} cannot search events; add them by URL or id`,
      'platform'
    )
  }
  const now = options.now ?? new Date()
  const context: ConnectorContext = await runtime.context(
    platform,
    options.userId ?? null,
    undefined,
    options
  )
  const result: DiscoverResult = {
    seen: 0,
    createdEvents: 0,
    linkedSources: 0,
    updated: 0,
    pages: 0,
    priced: 0,
    past: 0,
    skipped: [],
    inconsistencies: [],
  }
  /** From now on unless asked otherwise: a past game is no source to check */
  const search: DiscoverQuery = { ...query, from: query.from ?? now.toISOString() }
  let page: number | null = search.page ?? null
  const maxPages = options.maxPages ?? 10
  do {
    const found = await connector.discoverEvents(
      { ...search, ...(page !== null ? { page } : {}) },
      context
    )
    result.pages++
    for (const problem of found.skipped ?? []) result.skipped.push(describeProblem(problem))
    if (found.inconsistency) {
      result.inconsistencies.push(found.inconsistency)
      await recordNotice(
        {
          platformId: platform.id,
          kind: 'inconsistent_page',
          subject: `search ${searchLabel(search)}`,
          detail: found.inconsistency,
        },
        now
      )
    }
    for (const event of found.events) {
      if (event.startsAt && Date.parse(event.startsAt) < +now) {
        result.past++
        continue
      }
      if (options.accept && !options.accept(event)) continue
      const upserted = await upsertEvent(platform.id, event, now)
      result.seen++
      if (upserted.created === 'event') result.createdEvents++
      else if (upserted.created === 'source') result.linkedSources++
      else result.updated++
      /**
       * The search page's own prices (Ticketmaster priceRanges) are what
       * events:add stores; a source already checked keeps the checks' market.
       */
      const summary = found.summaries?.[event.ref]
      if (summary && (summary.min || summary.max) && !upserted.checked) {
        const snapshot: MarketSnapshot = {
          event,
          summary,
          listings: null,
          fetchedAt: now.toISOString(),
        }
        await writeMarket(
          { id: upserted.sourceId, eventId: upserted.eventId },
          snapshot,
          now,
          marketHash(snapshot)
        )
        result.priced++
      }
    }
    options.onPage?.({ page: result.pages, seen: result.seen, total: found.total })
    page = found.nextPage
  } while (page !== null && result.pages < maxPages)
  return result
}

function searchLabel(query: DiscoverQuery): string {
  return (
    [
      query.keyword ? `"${query.keyword}"` : null,
      query.country ? `in ${query.country}` : null,
      query.from ? `from ${query.from.slice(0, 10)}` : null,
      query.to ? `to ${query.to.slice(0, 10)}` : null,
    ]
      .filter(Boolean)
      .join(' ') || 'everything'
  )
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
      throw new apiErrors.E_BAD_REFERENCE(`"${value}" is not a valid URL`, 'reference')
    }
    return { slug: 'jsonld', ref: value }
  }
  const match = value.match(/^([a-z][a-z0-9_-]*):(.+)$/i)
  if (!match) {
    throw new apiErrors.E_BAD_REFERENCE(
      `"${value}" is neither a URL nor <platform>:<event id> (e.g. sandbox:2000001, ticketmaster:G5diZfkn0B-bh)`,
      'reference'
    )
  }
  return { slug: match[1].toLowerCase(), ref: match[2] }
}

export interface AddedEvent {
  eventId: number
  sourceId: number
  created: 'event' | 'source' | 'none'
  event: NormalisedEvent
  listings: number | null
  changes: number
  availability: MarketSnapshot['availability']
}

export interface AddResult extends AddedEvent {
  /** Every event added from the reference (a page may describe several); the first is also spread above */
  events: AddedEvent[]
  /** What was left out, for people: "1 of 2 structured-data blocks invalid: …", events that did not validate */
  problems: string[]
}

/**
 * Adds the event(s) a reference points at and loads their market (the
 * baseline the next check alerts against). A page URL adds every event the
 * page describes. A challenge page met here flags the host for the
 * operators (source health page, system_alert): nothing is retried.
 */
export async function addEvent(
  input: string,
  options: { userId?: number | null; now?: Date } & WaitOptions = {}
): Promise<AddResult> {
  const { slug, ref } = parseEventReference(input)
  const platform = await platformBySlug(slug)
  const runtime = await connectorRuntime()
  const connector = runtime.connector(slug)
  const context: ConnectorContext = await runtime.context(
    platform,
    options.userId ?? null,
    undefined,
    options
  )
  const now = options.now ?? new Date()
  let page: PageMarkets
  try {
    page = connector.fetchPageMarkets
      ? await connector.fetchPageMarkets(ref, context)
      : { url: ref, snapshots: [await connector.fetchMarket(ref, context)], problems: [] }
  } catch (error) {
    if (error instanceof SourceBlocked && error.flagsHost && /^https?:\/\//i.test(ref)) {
      await reportChallenge(platform, new URL(ref).host, error.reason, now)
    }
    throw error
  }
  if (slug === 'jsonld') await adoptPageSource(platform.id, ref, page)

  const added: AddedEvent[] = []
  for (const snapshot of page.snapshots) {
    const upserted = await upsertEvent(platform.id, snapshot.event, now)
    /** With its fingerprint stored, this load is the baseline: the next scheduled check alerts on what changed since. */
    const written = await writeMarket(
      { id: upserted.sourceId, eventId: upserted.eventId },
      snapshot,
      now,
      marketHash(snapshot)
    )
    added.push({
      eventId: upserted.eventId,
      sourceId: upserted.sourceId,
      created: upserted.created,
      event: snapshot.event,
      listings: snapshot.listings?.length ?? null,
      changes: written.changes.length,
      availability: snapshot.availability ?? null,
    })
  }
  const problems = [
    ...new Set([...page.problems, ...page.snapshots.flatMap((s) => s.problems ?? [])]),
  ].map((problem) => (problem.item === 'block' ? problem.reason : describeProblem(problem)))
  return { ...added[0], events: added, problems: [...new Set(problems)] }
}

/**
 * A page added before pages could carry several events has one source whose
 * ref is the bare page URL. When the event it tracks now has a ref of its
 * own (its @id, or one of several events), that source takes the new ref,
 * so re-adding the page links instead of duplicating it.
 */
async function adoptPageSource(platformId: number, input: string, page: PageMarkets) {
  const pageUrl = normalisePageUrl(page.url)
  const spellings = [...new Set([input.trim(), normalisePageUrl(input), pageUrl])]
  if (page.snapshots.some((snapshot) => spellings.includes(snapshot.event.ref))) return
  const legacy = await db
    .from('event_sources')
    .where('platform_id', platformId)
    .whereIn('external_id', spellings)
    .select('id')
    .first()
  if (!legacy) return
  const meant =
    page.snapshots.find(
      (snapshot) => snapshot.event.url && normalisePageUrl(snapshot.event.url) === pageUrl
    ) ?? page.snapshots[0]
  const taken = await db
    .from('event_sources')
    .where({ platform_id: platformId, external_id: meant.event.ref })
    .first()
  if (taken) return
  await db
    .from('event_sources')
    .where('id', legacy.id)
    .update({ external_id: meant.event.ref, updated_at: new Date() })
}
