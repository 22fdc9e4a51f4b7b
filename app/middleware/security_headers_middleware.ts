import { randomFillSync } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import app from '@adonisjs/core/services/app'

/**
 * Security headers on every response — pages, the API, static files and
 * the 404 page of a path no route matches (this runs before routing):
 *
 * - Content-Security-Policy with a fresh nonce per request: scripts only
 *   from this origin or carrying the nonce (the Vite entry tags get it in
 *   resources/views/inertia_layout.edge), nothing framed, no plugins, forms
 *   and <base> to this origin only. Styles allow inline style attributes
 *   (Vue's :style bindings and the charts set them); no inline script can run.
 * - Referrer-Policy same-origin, X-Frame-Options DENY,
 *   X-Content-Type-Options nosniff, and HSTS over https.
 *
 * Shield keeps CSRF (config/shield.ts); its CSP and frame/HSTS/sniff guards
 * would only cover matched routes.
 */
/**
 * Nonces are 16 bytes of a 4 KiB block drawn from the CSPRNG at a time (one
 * draw per 256 responses instead of one each).
 */
const pool = Buffer.alloc(4096)
let used = pool.length
function nonce() {
  if (used === pool.length) {
    randomFillSync(pool)
    used = 0
  }
  used += 16
  return pool.toString('base64', used - 16, used)
}

export default class SecurityHeadersMiddleware {
  /** Vite's dev server (npm run dev, the tests) pushes updates over a websocket. */
  #connect = app.inProduction ? "'self'" : "'self' ws: wss:"

  handle(ctx: HttpContext, next: NextFn) {
    const value = nonce()
    ;(ctx.response as any).nonce = value
    if ('view' in ctx) (ctx as any).view.share({ cspNonce: value })
    const response = ctx.response
    response.header(
      'content-security-policy',
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${value}'`,
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        `connect-src ${this.#connect}`,
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; ')
    )
    response.header('referrer-policy', 'same-origin')
    response.header('x-frame-options', 'DENY')
    response.header('x-content-type-options', 'nosniff')
    if (ctx.request.protocol() === 'https')
      response.header('strict-transport-security', 'max-age=15552000')
    return next()
  }
}
