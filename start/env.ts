/*
|--------------------------------------------------------------------------
| Environment variables
|--------------------------------------------------------------------------
|
| Every variable HDTickets reads is validated here, once, at start-up. A
| missing or malformed one stops the process with a message naming it and
| the expected form. Domain code never reads process.env: it imports the
| typed values from config/.
|
*/
import { Env } from '@adonisjs/core/env'

const isSqlite = (_key: string, _value?: string) =>
  (process.env.DB_CONNECTION ?? 'sqlite') === 'sqlite'

export default await Env.create(new URL('../', import.meta.url), {
  NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
  PORT: Env.schema.number(),
  HOST: Env.schema.string({ format: 'host' }),
  APP_KEY: Env.schema.secret(),
  /**
   * Comma-separated keys that used to be APP_KEY. They still decrypt; new
   * writes use APP_KEY. `node ace keys:rotate` re-encrypts everything.
   */
  APP_PREVIOUS_KEYS: Env.schema.secret.optional(),
  APP_URL: Env.schema.string({ format: 'url', tld: false }),
  LOG_LEVEL: Env.schema.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),

  /*
  |----------------------------------------------------------
  | Sessions, sign-up and the embedded mode
  |----------------------------------------------------------
  */
  SESSION_DRIVER: Env.schema.enum.optional(['cookie', 'memory'] as const),
  SIGNUP_ENABLED: Env.schema.boolean.optional(),
  EMBEDDED: Env.schema.boolean.optional(),
  DEMO_ADMIN_EMAIL: Env.schema.string.optional({ format: 'email' }),
  DEMO_ADMIN_PASSWORD: Env.schema.secret.optional(),

  /*
  |----------------------------------------------------------
  | Database: sqlite (default), mysql (MySQL 8 / MariaDB 10.11+) or pg
  |----------------------------------------------------------
  */
  DB_CONNECTION: Env.schema.enum.optional(['sqlite', 'mysql', 'pg'] as const),
  SQLITE_PATH: Env.schema.string.optional(),
  DB_HOST: Env.schema.string.optionalWhen(isSqlite, { format: 'host' }),
  DB_PORT: Env.schema.number.optionalWhen(isSqlite),
  DB_USER: Env.schema.string.optionalWhen(isSqlite),
  DB_PASSWORD: Env.schema.secret.optional(),
  DB_DATABASE: Env.schema.string.optionalWhen(isSqlite),
  /** Comma-separated read-replica hosts (mysql, pg). Writes always go to DB_HOST. */
  DB_READ_HOSTS: Env.schema.string.optional(),

  /*
  |----------------------------------------------------------
  | Connectors and the sandbox exchange
  |----------------------------------------------------------
  */
  /** Where the sandbox exchange answers. Unset in the embedded mode: it starts in-process. */
  SANDBOX_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  SANDBOX_PORT: Env.schema.number.optional(),
  SANDBOX_EVENTS: Env.schema.number.optional(),
  SANDBOX_LISTINGS_PER_EVENT: Env.schema.number.optional(),
  /** Hosts or CIDRs user-supplied URLs may reach despite the SSRF guard (operator's choice) */
  SSRF_ALLOW: Env.schema.string.optional(),
  TICKETMASTER_BASE_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  SEATGEEK_BASE_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  STUBHUB_API_BASE: Env.schema.string.optional({ format: 'url', tld: false }),
  STUBHUB_TOKEN_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  TICKETEVOLUTION_BASE_URL: Env.schema.string.optional({ format: 'url', tld: false }),

  /*
  |----------------------------------------------------------
  | Redis (scaled mode): queue, rate limits, locks, SSE fan-out
  |----------------------------------------------------------
  */
  REDIS_HOST: Env.schema.string.optional({ format: 'host' }),
  REDIS_PORT: Env.schema.number.optional(),
  REDIS_PASSWORD: Env.schema.secret.optional(),
  QUEUE_DRIVER: Env.schema.enum.optional(['database', 'redis', 'sync'] as const),
  LIMITER_STORE: Env.schema.enum.optional(['memory', 'database', 'redis'] as const),
  LOCK_STORE: Env.schema.enum.optional(['memory', 'database', 'redis'] as const),
  TRANSMIT_TRANSPORT: Env.schema.enum.optional(['memory', 'redis'] as const),
})
