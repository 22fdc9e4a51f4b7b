/**
 * robots.txt per RFC 9309, pure: parse once, then ask `isAllowed(pathAndQuery)`.
 * Groups are matched on our product token case-insensitively; all groups naming
 * us are merged, else the `*` groups; the longest matching rule wins and allow
 * wins ties; `*` and `$` are supported; percent-encoding is normalised.
 */
export interface RobotsRule {
  allow: boolean
  pattern: string
  regex: RegExp
  length: number
}

export interface RobotsPolicy {
  isAllowed(pathAndQuery: string): boolean
  /** Crawl-delay for our group in ms (non-standard, honoured as courtesy), or null */
  crawlDelayMs: number | null
  /** Why the whole origin is allowed or refused without rules (4xx, 5xx…) */
  note: string | null
}

interface Group {
  agents: string[]
  rules: RobotsRule[]
  crawlDelaySeconds: number | null
}

export const ROBOTS_MAX_BYTES = 512 * 1024

export function allowAll(note: string): RobotsPolicy {
  return { isAllowed: () => true, crawlDelayMs: null, note }
}

export function disallowAll(note: string): RobotsPolicy {
  return { isAllowed: (path) => isRobotsPath(path), crawlDelayMs: null, note }
}

export function parseRobots(text: string, productToken: string): RobotsPolicy {
  const groups = parseGroups(
    text.length > ROBOTS_MAX_BYTES ? text.slice(0, ROBOTS_MAX_BYTES) : text
  )
  const token = productToken.toLowerCase()
  let chosen = groups.filter((group) => group.agents.some((agent) => agentToken(agent) === token))
  if (chosen.length === 0) chosen = groups.filter((group) => group.agents.includes('*'))

  const rules = chosen.flatMap((group) => group.rules)
  const delays = chosen
    .map((group) => group.crawlDelaySeconds)
    .filter((d): d is number => d !== null)
  const crawlDelayMs = delays.length > 0 ? Math.round(Math.max(...delays) * 1000) : null

  return {
    crawlDelayMs,
    note: null,
    isAllowed(pathAndQuery: string): boolean {
      if (isRobotsPath(pathAndQuery)) return true
      const target = normalisePath(pathAndQuery || '/')
      let best: RobotsRule | null = null
      for (const rule of rules) {
        if (!rule.regex.test(target)) continue
        if (
          !best ||
          rule.length > best.length ||
          (rule.length === best.length && rule.allow && !best.allow)
        )
          best = rule
      }
      return best ? best.allow : true
    },
  }
}

function parseGroups(text: string): Group[] {
  const groups: Group[] = []
  let current: Group | null = null
  let lastWasAgent = false
  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    const line = rawLine.replace(/#.*$/, '').trim()
    if (!line) continue
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const key = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (key === 'user-agent') {
      if (!current || !lastWasAgent) {
        current = { agents: [], rules: [], crawlDelaySeconds: null }
        groups.push(current)
      }
      current.agents.push(value.toLowerCase())
      lastWasAgent = true
      continue
    }
    lastWasAgent = false
    if (!current) continue
    if (key === 'allow' || key === 'disallow') {
      if (value === '') continue
      current.rules.push(compileRule(key === 'allow', value))
    } else if (key === 'crawl-delay') {
      const seconds = Number(value)
      if (Number.isFinite(seconds) && seconds >= 0) current.crawlDelaySeconds = seconds
    }
  }
  return groups
}

/** "FooBot/1.2" → "foobot": the product token part of a user-agent line. */
function agentToken(agent: string): string {
  const match = /^[a-z_-]+/.exec(agent.trim())
  return match ? match[0] : agent.trim()
}

function compileRule(allow: boolean, rawPattern: string): RobotsRule {
  const pattern = normalisePath(rawPattern)
  const anchored = pattern.endsWith('$')
  const body = anchored ? pattern.slice(0, -1) : pattern
  const source = body
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return {
    allow,
    pattern,
    regex: new RegExp(`^${source}${anchored ? '$' : ''}`),
    length: Buffer.byteLength(pattern),
  }
}

/**
 * Percent-encoding normalised so "/a%7eb", "/a~b" and "/a%7Eb" compare equal:
 * unreserved characters decoded, other escapes upper-cased, non-ASCII encoded.
 */
export function normalisePath(path: string): string {
  let out = ''
  for (let i = 0; i < path.length; i++) {
    const char = path[i]
    if (char === '%' && /^[0-9a-fA-F]{2}$/.test(path.slice(i + 1, i + 3))) {
      const code = Number.parseInt(path.slice(i + 1, i + 3), 16)
      const decoded = String.fromCharCode(code)
      out += /[A-Za-z0-9\-._~]/.test(decoded)
        ? decoded
        : `%${path.slice(i + 1, i + 3).toUpperCase()}`
      i += 2
    } else if (char.charCodeAt(0) > 0x7e || char === ' ') {
      out += encodeURIComponent(char)
    } else {
      out += char
    }
  }
  return out
}

function isRobotsPath(pathAndQuery: string): boolean {
  return pathAndQuery === '/robots.txt'
}
