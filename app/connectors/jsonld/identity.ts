/**
 * The identity of each event on a schema.org page, so a page with several
 * events (a doubleheader, a team's schedule, an @graph) yields one stable
 * source per event that survives the page's reordering.
 *
 * Identity: the event's `@id` (blank nodes `_:…` excepted), else its `url`,
 * else the page URL + name + start date. Events of one page that share an
 * identity (two games whose `url` is the schedule page) are told apart by
 * name + start date. The ref stored for a source is the page URL (what is
 * fetched) plus `#ev-<key>`, the key a hash of the identity; an event whose
 * identity is the page URL itself keeps the bare page URL as ref, which is
 * also what every source added before pages had several events holds.
 * Pure: no network, no clock.
 */
import { createHash } from 'node:crypto'
import type { JsonObject } from '#connectors/transport/payload_reader'
import type { JsonLdEventNode } from '#connectors/jsonld/payloads'
import { many } from '#connectors/jsonld/payloads'

export interface IdentifiedEvent {
  node: JsonLdEventNode
  /** The source ref: page URL, or page URL + "#ev-<key>" */
  ref: string
  /** Every key this event answers to (its own, the long form, and the ones before a reschedule) */
  keys: string[]
  /** For messages: the event's name, else its path */
  label: string
  /** Its `url` is the page itself */
  urlMatchesPage: boolean
}

const KEY_MARK = '#ev-'
const KEY_PATTERN = /^[A-Za-z0-9_-]{16}$/

export function identityKey(identity: string): string {
  return createHash('sha256').update(identity).digest('base64url').slice(0, 16)
}

/**
 * "https://site/schedule#ev-AbC…" → page URL + key; a bare page URL (older
 * refs) → key null. The page URL comes back in one spelling (WHATWG URL,
 * no fragment), so every spelling of a page shares its fetch and its refs.
 */
export function parseJsonLdRef(ref: string): { pageUrl: string; key: string | null } {
  const at = ref.lastIndexOf(KEY_MARK)
  if (at >= 0 && KEY_PATTERN.test(ref.slice(at + KEY_MARK.length))) {
    return { pageUrl: normalisePageUrl(ref.slice(0, at)), key: ref.slice(at + KEY_MARK.length) }
  }
  return { pageUrl: normalisePageUrl(ref), key: null }
}

export function normalisePageUrl(value: string): string {
  return withoutHash(resolve(value.trim(), value.trim()) ?? value.trim())
}

function resolve(value: string, base: string): string | null {
  try {
    return new URL(value, base).toString()
  } catch {
    return null
  }
}

function withoutHash(value: string): string {
  const hash = value.indexOf('#')
  return hash >= 0 ? value.slice(0, hash) : value
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : ''
}

/** @id, else url, else null (the fallback is built by the caller). */
function ownIdentity(node: JsonObject, pageUrl: string): { identity: string; url: string | null } {
  const url =
    typeof node.url === 'string'
      ? resolve(node.url.trim(), pageUrl)
      : Array.isArray(node.url) && typeof node.url[0] === 'string'
        ? resolve(node.url[0].trim(), pageUrl)
        : null
  const id = text(node['@id'])
  if (id && !id.startsWith('_:')) {
    const resolved = resolve(id, pageUrl)
    if (resolved) return { identity: `id:${resolved}`, url }
  }
  if (url) return { identity: `url:${url}`, url }
  return { identity: `page:${pageUrl}|${text(node.name)}|${text(node.startDate)}`, url }
}

export function identifyEvents(nodes: JsonLdEventNode[], pageUrl: string): IdentifiedEvent[] {
  const page = normalisePageUrl(pageUrl)
  const drafts = nodes.map((found) => {
    const { node } = found
    const { identity, url } = ownIdentity(node, page)
    const name = text(node.name)
    const starts = [text(node.startDate), ...many(node.previousStartDate).map(text)].filter(
      (value, index) => index === 0 || value
    )
    const fallback = identity.startsWith('page:')
    return {
      found,
      identity,
      /** name + start told apart; with a reschedule, the earlier starts too */
      long: starts.map((start) => `${identity}|${name}|${start}`),
      /** a fallback identity moves with the start date: the earlier ones still find it */
      aliases: fallback ? starts.slice(1).map((start) => `page:${page}|${name}|${start}`) : [],
      url,
      label: name || found.path,
    }
  })
  const counts = new Map<string, number>()
  for (const draft of drafts) counts.set(draft.identity, (counts.get(draft.identity) ?? 0) + 1)

  const seen = new Set<string>()
  const out: IdentifiedEvent[] = []
  for (const draft of drafts) {
    const unique = counts.get(draft.identity) === 1
    const own = unique ? draft.identity : draft.long[0]
    /** The same event twice on a page (two blocks repeating it) is one event */
    if (seen.has(own)) continue
    seen.add(own)
    const keys = [
      ...new Set(
        [...(unique ? [draft.identity, ...draft.aliases] : []), ...draft.long].map(identityKey)
      ),
    ]
    const urlMatchesPage = draft.url !== null && withoutHash(draft.url) === page
    const bare = unique && draft.identity === `url:${page}`
    out.push({
      node: draft.found,
      ref: bare ? page : `${page}${KEY_MARK}${identityKey(own)}`,
      keys,
      label: draft.label,
      urlMatchesPage,
    })
  }
  return out
}
