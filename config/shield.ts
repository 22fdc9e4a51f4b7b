import { defineConfig } from '@adonisjs/shield'

const shieldConfig = defineConfig({
  /**
   * CSP, Referrer-Policy, X-Frame-Options, nosniff and HSTS are set for every
   * response, the 404 page included, by app/middleware/security_headers_middleware.ts
   * (Shield's guards run on matched routes only).
   */
  csp: { enabled: false, directives: {}, reportOnly: false },
  csrf: {
    enabled: true,
    /**
     * The token-authenticated API, the SSE endpoints and the sandbox
     * exchange are not cookie-authenticated forms: CSRF does not apply.
     */
    exceptRoutes: (ctx) =>
      ctx.request.url().startsWith('/api/') ||
      ctx.request.url().startsWith('/__transmit/') ||
      ctx.request.url().startsWith('/sandbox/'),
    enableXsrfCookie: true,
    methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  },
  xFrame: { enabled: false },
  hsts: { enabled: false },
  contentTypeSniffing: { enabled: false },
})

export default shieldConfig
