import { defineConfig } from '@adonisjs/shield'

const shieldConfig = defineConfig({
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
  xFrame: { enabled: true, action: 'DENY' },
  hsts: { enabled: true, maxAge: '180 days' },
  contentTypeSniffing: { enabled: true },
})

export default shieldConfig
