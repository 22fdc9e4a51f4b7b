/**
 * Finds the contents of every <script type="application/ld+json"> in an HTML
 * document. htmlparser2 is not installed, so this is a small, careful scanner:
 * it skips comments, reads attributes (quoted or not, any case), treats the
 * script body as raw text up to the first </script, and never evaluates anything.
 */
export function extractJsonLdBlocks(html: string): string[] {
  const blocks: string[] = []
  const lower = html.toLowerCase()
  let index = 0
  while (index < html.length) {
    const open = lower.indexOf('<', index)
    if (open < 0) break
    if (lower.startsWith('<!--', open)) {
      const end = lower.indexOf('-->', open + 4)
      index = end < 0 ? html.length : end + 3
      continue
    }
    if (!lower.startsWith('<script', open) || !/[\s>/]/.test(lower[open + 7] ?? '')) {
      index = open + 1
      continue
    }
    const tagEnd = findTagEnd(html, open + 7)
    if (tagEnd < 0) break
    const attributes = parseAttributes(html.slice(open + 7, tagEnd))
    const close = lower.indexOf('</script', tagEnd + 1)
    const bodyEnd = close < 0 ? html.length : close
    const type = (attributes.get('type') ?? '').split(';')[0].trim().toLowerCase()
    if (type === 'application/ld+json') blocks.push(unwrap(html.slice(tagEnd + 1, bodyEnd)))
    index = close < 0 ? html.length : close + 8
  }
  return blocks
}

function findTagEnd(html: string, from: number): number {
  let quote: string | null = null
  for (let i = from; i < html.length; i++) {
    const char = html[i]
    if (quote) {
      if (char === quote) quote = null
    } else if (char === '"' || char === "'") {
      quote = char
    } else if (char === '>') {
      return i
    }
  }
  return -1
}

function parseAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>()
  const pattern = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g
  for (const match of text.matchAll(pattern)) {
    attributes.set(
      match[1].toLowerCase(),
      decodeBasicEntities(match[2] ?? match[3] ?? match[4] ?? '')
    )
  }
  return attributes
}

/** Some sites wrap JSON-LD in <!-- --> or CDATA markers. */
function unwrap(body: string): string {
  return body
    .trim()
    .replace(/^<!--/, '')
    .replace(/-->$/, '')
    .replace(/^\/\/\s*<!\[CDATA\[/, '')
    .replace(/\/\/\s*\]\]>$/, '')
    .replace(/^<!\[CDATA\[/, '')
    .replace(/\]\]>$/, '')
    .trim()
}

function decodeBasicEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

/** The page <title>, for error messages. */
export function pageTitle(html: string): string | null {
  const match = /<title[^>]*>([^<]{0,200})<\/title>/i.exec(html)
  return match ? decodeBasicEntities(match[1]).trim() || null : null
}
