/**
 * A browser in miniature for the functional tests: real HTTP to the test
 * server, a cookie jar, and the XSRF-TOKEN cookie echoed as X-XSRF-TOKEN on
 * writes (what the Inertia client does). Cookies can be copied to another
 * agent — a stolen or saved cookie, replayed later.
 */
export class HttpAgent {
  cookies = new Map<string, string>()
  base = `http://${process.env.HOST}:${process.env.PORT}`

  copy() {
    const other = new HttpAgent()
    other.cookies = new Map(this.cookies)
    return other
  }

  async request(
    method: string,
    path: string,
    options: { json?: unknown; inertia?: boolean } = {}
  ): Promise<{ status: number; location: string | null; text: string; headers: Headers }> {
    const headers: Record<string, string> = { accept: 'text/html' }
    if (this.cookies.size)
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    const xsrf = this.cookies.get('XSRF-TOKEN')
    if (method !== 'GET' && xsrf) headers['x-xsrf-token'] = decodeURIComponent(xsrf)
    if (options.inertia) Object.assign(headers, { 'x-inertia': 'true', 'x-inertia-version': '1' })
    if (options.json !== undefined) headers['content-type'] = 'application/json'
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      redirect: 'manual',
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
    })
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim())
      const [name, ...rest] = pair.split('=')
      const value = rest.join('=')
      const expired = attributes.some(
        (a) =>
          /^max-age=(0|-\d+)$/i.test(a) ||
          (/^expires=/i.test(a) && new Date(a.slice(8)).getTime() < Date.now())
      )
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return {
      status: response.status,
      location: response.headers.get('location'),
      text: await response.text(),
      headers: response.headers,
    }
  }

  /** Signs in through the log-in form, as a person would. */
  async login(email: string, password: string) {
    await this.request('GET', '/login')
    const response = await this.request('POST', '/login', { json: { email, password } })
    if (response.status !== 302 || response.location !== '/')
      throw new Error(`log-in failed: ${response.status} ${response.location}`)
    return response
  }

  /** Whether the agent's cookies still open a signed-in page. */
  async signedIn() {
    const response = await this.request('GET', '/settings')
    return response.status === 200
  }
}
