/**
 * Secrets travel in some platforms' query strings (Ticketmaster `apikey`,
 * SeatGeek `client_id`/`client_secret`). Nothing that leaves the transport —
 * a log line, an error message — may carry them.
 */
const SECRET_PARAM =
  /^(api[-_]?key|key|client[-_]?id|client[-_]?secret|secret|token|access[-_]?token|signature|sig|password|passwd|auth)$/i

export function isSecretParam(name: string): boolean {
  return SECRET_PARAM.test(name)
}

/** The URL with every secret-looking query value replaced by "redacted". */
export function redactUrl(input: string | URL): string {
  let url: URL
  try {
    url = new URL(String(input))
  } catch {
    return '[unparseable url]'
  }
  url.username = ''
  url.password = ''
  for (const name of [...url.searchParams.keys()]) {
    if (isSecretParam(name)) url.searchParams.set(name, 'redacted')
  }
  return url.toString()
}

/** Origin + path only: what error messages show. */
export function describeUrl(input: string | URL): string {
  try {
    const url = new URL(String(input))
    return `${url.origin}${url.pathname}`
  } catch {
    return '[unparseable url]'
  }
}
