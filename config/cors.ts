import env from '#start/env'
import { defineConfig } from '@adonisjs/cors'

/** CORS_ORIGINS: comma-separated origins, `*` for any, unset for none (same-origin only). */
const origins = (env.get('CORS_ORIGINS') ?? '')
  .split(',')
  .map((origin) => origin.trim())
  .filter(Boolean)

const corsConfig = defineConfig({
  enabled: true,
  origin: origins.includes('*') ? true : origins,
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  headers: true,
  exposeHeaders: [
    'x-request-id',
    'retry-after',
    'ratelimit-limit',
    'ratelimit-remaining',
    'ratelimit-reset',
  ],
  credentials: false,
  maxAge: 90,
})

export default corsConfig
