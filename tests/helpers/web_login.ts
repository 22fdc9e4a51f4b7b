/**
 * Logs in through the real form of the web process at `base`, as a browser
 * would (the log-in page's cookies, then the form with its XSRF token), and
 * returns the session's cookie header and XSRF token. Throws unless the
 * form answers with the redirect to the dashboard.
 */
export async function browserLogin(base: string, email: string, password: string) {
  const jar = new Map<string, string>()
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const index = pair.indexOf('=')
      jar.set(pair.slice(0, index), pair.slice(index + 1))
    }
  }
  const header = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
  keep(await fetch(`${base}/login`))
  const login = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'cookie': header(),
      'content-type': 'application/x-www-form-urlencoded',
      'x-xsrf-token': decodeURIComponent(jar.get('XSRF-TOKEN') ?? ''),
    },
    body: new URLSearchParams({ email, password }).toString(),
  })
  keep(login)
  if (login.status !== 302 || login.headers.get('location') !== '/') {
    throw new Error(
      `log-in on ${base} answered ${login.status} to ${login.headers.get('location') ?? 'nowhere'}`
    )
  }
  return { cookie: header(), xsrf: decodeURIComponent(jar.get('XSRF-TOKEN') ?? '') }
}
