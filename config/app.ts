import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/core/http'
import proxyAddr from 'proxy-addr'

/**
 * Which peers may say who the client is (X-Forwarded-For): TRUSTED_PROXIES,
 * comma-separated addresses or CIDRs (or `loopback`, `linklocal`,
 * `uniquelocal`); `none` trusts nobody. Default `loopback`: a reverse proxy
 * on the same host (deploy/nginx.conf). Behind a proxy on another host, name
 * it here — otherwise every client has the proxy's address.
 */
export function trustedProxies(setting: string | undefined) {
  const list = (setting ?? 'loopback')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry && entry !== 'none')
  return proxyAddr.compile(list)
}

/**
 * The HTTP server settings. Every request gets an id (x-request-id header,
 * echoed in the response and every log line of that request).
 */
export const http = defineConfig({
  generateRequestId: true,
  allowMethodSpoofing: false,
  useAsyncLocalStorage: true,
  trustProxy: trustedProxies(env.get('TRUSTED_PROXIES')),
  cookie: {
    domain: '',
    path: '/',
    maxAge: '2h',
    httpOnly: true,
    secure: app.inProduction && env.get('APP_URL').startsWith('https://'),
    sameSite: 'lax',
  },
})

/**
 * Application-wide settings read by the domain code.
 */
export const hdtickets = {
  url: env.get('APP_URL'),
  version: app.version?.toString() ?? '0.1.0',
  signupEnabled: env.get('SIGNUP_ENABLED', true),
  embedded: env.get('EMBEDDED', false),
  /**
   * The dispatcher claims due pairs only while fewer than this many are
   * claimed and not yet checked: beyond it, due pairs wait in the table in
   * priority order instead of in the queue's arrival order (see
   * app/monitoring/due_checks.ts).
   */
  checksMaxInFlight: env.get('CHECKS_MAX_IN_FLIGHT', 2_000),
}
