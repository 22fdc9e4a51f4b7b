import type { JsonObject } from '#connectors/transport/payload_reader'
import { PayloadReader } from '#connectors/transport/payload_reader'
import { extractJsonLdBlocks } from '#connectors/jsonld/html_scripts'

/** One schema.org Event node found on a page, with where it was found. */
export interface JsonLdEventNode {
  node: JsonObject
  /** JSON path for errors, e.g. "script[1].@graph[2]" */
  path: string
  types: string[]
}

export interface JsonLdScan {
  events: JsonLdEventNode[]
  /** Number of ld+json blocks and how many failed to parse */
  blocks: number
  invalidBlocks: number
  /** Why each invalid block failed, by its path ("script[1]") */
  invalid: Array<{ path: string; reason: string }>
}

const MAX_DEPTH = 12

/** Local name of a schema.org type: "https://schema.org/SportsEvent", "schema:SportsEvent" → "SportsEvent". */
export function localTypeName(value: string): string {
  return value.replace(/^.*[/#:]/, '')
}

export function typesOf(node: JsonObject): string[] {
  const raw = node['@type']
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
  return list.filter((t): t is string => typeof t === 'string').map(localTypeName)
}

/** Event, SportsEvent, MusicEvent, … (any *Event subtype), not EventSeries / EventReservation. */
export function isEventType(types: string[]): boolean {
  return types.some((type) => /Event$/.test(type))
}

/** Every Event node in every ld+json block: objects, arrays, @graph, and containers like WebPage.mainEntity. */
export function scanJsonLd(html: string): JsonLdScan {
  const blocks = extractJsonLdBlocks(html)
  const events: JsonLdEventNode[] = []
  const invalid: JsonLdScan['invalid'] = []
  blocks.forEach((block, index) => {
    let parsed: unknown
    try {
      parsed = JSON.parse(block)
    } catch (error) {
      const detail =
        error instanceof Error ? error.message.replace(/\s+/g, ' ').slice(0, 160) : 'parse error'
      invalid.push({ path: `script[${index}]`, reason: `not valid JSON (${detail})` })
      return
    }
    walk(parsed, `script[${index}]`, 0, events)
  })
  return { events, blocks: blocks.length, invalidBlocks: invalid.length, invalid }
}

/** "1 of 2 structured-data blocks invalid: script[1] is not valid JSON (…)", or null when all parse. */
export function invalidBlocksNote(scan: JsonLdScan): string | null {
  if (scan.invalid.length === 0) return null
  const [first] = scan.invalid
  return `${scan.invalid.length} of ${scan.blocks} structured-data block${scan.blocks === 1 ? '' : 's'} invalid: ${first.path} is ${first.reason}`
}

function walk(value: unknown, path: string, depth: number, out: JsonLdEventNode[]): void {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1, out))
    return
  }
  const node = value as JsonObject
  const types = typesOf(node)
  if (isEventType(types)) {
    out.push({ node, path, types })
    return
  }
  for (const [key, child] of Object.entries(node)) {
    if (key === '@context') continue
    if (typeof child === 'object' && child !== null) walk(child, `${path}.${key}`, depth + 1, out)
  }
}

/** Values of a property that may be one item or an array. */
export function many(value: unknown): unknown[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value : [value]
}

/** A name from a string or a { name } object (teams, sport, places). */
export function nameOf(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const name = (value as JsonObject).name
    if (typeof name === 'string') return name.trim() || null
  }
  return null
}

export function readerFor(url: string): PayloadReader {
  return new PayloadReader({ source: 'jsonld', endpoint: 'GET event page', eventRef: url })
}
