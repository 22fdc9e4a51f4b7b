import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, stores } from '@adonisjs/session'
import { touchAtMostOncePerMinute } from '#services/throttled_session_touch'

/**
 * Web sessions live on the server: in the database (the default) or in
 * Redis (SESSION_DRIVER=redis, the scaled mode); the cookie carries only
 * the session id. So logging out ends the session for every copy of the
 * cookie, a password change ends the user's other sessions, and Settings →
 * "Sign out everywhere" ends them all (app/services/web_sessions.ts).
 *
 * - idle timeout (SESSION_IDLE_TIMEOUT, default 2 h): the store's expiry,
 *   pushed back by the requests (at most once a minute a session:
 *   app/services/throttled_session_touch.ts);
 * - lifetime (SESSION_LIFETIME, default 24 h): counted from sign-in, used
 *   or not (app/middleware/session_lifetime_middleware.ts).
 */
const driver = env.get('SESSION_DRIVER') ?? 'database'

/** The store in use: `database`, `redis` (or `memory` in a single test process) */
export const sessionStore = driver

export const sessionLimits = {
  idleSeconds: env.get('SESSION_IDLE_TIMEOUT') ?? 2 * 3600,
  lifetimeSeconds: env.get('SESSION_LIFETIME') ?? 24 * 3600,
}

const sessionConfig = defineConfig({
  enabled: true,
  cookieName: 'hdtickets-session',
  clearWithBrowser: false,
  age: sessionLimits.idleSeconds,
  cookie: {
    path: '/',
    httpOnly: true,
    secure: app.inProduction && env.get('APP_URL').startsWith('https://'),
    sameSite: 'lax',
  },
  store: driver,
  /** Only the store in use is built (the database mode never dials Redis). */
  stores:
    driver === 'redis'
      ? { redis: touchAtMostOncePerMinute(stores.redis({ connection: 'main' })) }
      : { database: touchAtMostOncePerMinute(stores.database({ tableName: 'sessions' })) },
})

export default sessionConfig
