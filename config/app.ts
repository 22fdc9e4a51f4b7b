import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/core/http'

/**
 * The HTTP server settings. Every request gets an id (x-request-id header,
 * echoed in the response and every log line of that request).
 */
export const http = defineConfig({
  generateRequestId: true,
  allowMethodSpoofing: false,
  useAsyncLocalStorage: true,
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
}
