/**
 * The honest User-Agent every request carries (DESIGN §1): it names HDTickets,
 * its version and the instance URL, and never changes between requests.
 */
export function honestUserAgent(version: string, instanceUrl: string): string {
  if (!/^[0-9A-Za-z.+-]+$/.test(version))
    throw new Error(`invalid HDTickets version for the User-Agent: "${version}"`)
  const url = new URL(instanceUrl)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`the instance URL in the User-Agent must be http(s), got ${url.protocol}`)
  }
  return `HDTickets/${version} (+${url.origin}${url.pathname === '/' ? '' : url.pathname})`
}

/** Our robots.txt product token (RFC 9309 §2.2.1). */
export const ROBOTS_PRODUCT_TOKEN = 'HDTickets'
