/**
 * Just enough MIME to read what nodemailer sends: headers (unfolded,
 * RFC 2047 encoded words decoded), multipart bodies (nested), and
 * quoted-printable / base64 transfer encodings.
 */
export interface MimePart {
  headers: Record<string, string>
  contentType: string
  body: string
  parts: MimePart[]
}

function decodeWords(value: string): string {
  return value.replace(
    /=\?([^?]+)\?([QqBb])\?([^?]*)\?=\s*(?==\?)?/g,
    (_match, _charset, encoding: string, text: string) => {
      if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8')
      const bytes = text
        .replace(/_/g, ' ')
        .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => `%${hex}`)
      try {
        return decodeURIComponent(bytes)
      } catch {
        return bytes
      }
    }
  )
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {}
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ')
  for (const line of unfolded.split(/\r?\n/)) {
    const index = line.indexOf(':')
    if (index <= 0) continue
    headers[line.slice(0, index).trim().toLowerCase()] = decodeWords(line.slice(index + 1).trim())
  }
  return headers
}

function decodeQuotedPrintable(text: string): string {
  const softBreaksRemoved = text.replace(/=\r?\n/g, '')
  const bytes: number[] = []
  for (let i = 0; i < softBreaksRemoved.length; i++) {
    const char = softBreaksRemoved[i]
    if (char === '=' && /^[0-9A-F]{2}$/i.test(softBreaksRemoved.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(softBreaksRemoved.slice(i + 1, i + 3), 16))
      i += 2
    } else {
      bytes.push(...Buffer.from(char, 'utf8'))
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

export function parseMime(raw: string): MimePart {
  const split = raw.search(/\r?\n\r?\n/)
  const headerBlock = split === -1 ? raw : raw.slice(0, split)
  const rest = split === -1 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '')
  const headers = parseHeaders(headerBlock)
  const contentType = headers['content-type'] ?? 'text/plain'
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1]
  if (contentType.toLowerCase().startsWith('multipart/') && boundary) {
    const sections = rest.split(`--${boundary}`).slice(1)
    const parts = sections
      .filter((section) => !section.startsWith('--'))
      .map((section) => parseMime(section.replace(/^\r?\n/, '')))
    return { headers, contentType, body: '', parts }
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase()
  const body =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(rest)
      : encoding === 'base64'
        ? Buffer.from(rest.replace(/\s+/g, ''), 'base64').toString('utf8')
        : rest
  return { headers, contentType, body: body.replace(/\r\n/g, '\n').replace(/\n$/, ''), parts: [] }
}

/** Every leaf part, depth first. */
export function leafParts(part: MimePart): MimePart[] {
  return part.parts.length === 0 ? [part] : part.parts.flatMap(leafParts)
}
