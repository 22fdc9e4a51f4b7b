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

/** A duration such as `90s`, `30m`, `2h` or `7d` (a bare number is seconds), in seconds. */
const duration = (key: string, value?: string) => {
  if (value === undefined || value === '') return undefined
  const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim())
  const seconds = match
    ? Number(match[1]) * { '': 1, 's': 1, 'm': 60, 'h': 3600, 'd': 86400 }[match[2]]!
    : 0
  if (seconds < 60) {
    throw new Error(
      `Invalid value for "${key}": expected a duration of at least a minute, such as 30m, 2h or 7d`
    )
  }
  return seconds
}

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
  LOG_LEVEL: Env.schema.enum([
    'fatal',
    'error',
    'warn',
    'info',
    'debug',
    'trace',
    'silent',
  ] as const),

  /*
  |----------------------------------------------------------
  | Sessions, sign-up and the embedded mode
  |----------------------------------------------------------
  */
  /**
   * Where web sessions live: `database` (default) or `redis` (the scaled
   * mode); `memory` for a single test process. Never in the cookie: a
   * session must end when its user logs out or changes the password.
   */
  SESSION_DRIVER: (key: string, value?: string) => {
    if (value === undefined || value === '') return undefined
    if (value === 'cookie') {
      throw new Error(
        `Invalid value for "${key}": "cookie" is no longer supported (a copied cookie outlived logout); sessions live on the server: set ${key}=database, or redis in the scaled mode`
      )
    }
    if (!['database', 'redis', 'memory'].includes(value)) {
      throw new Error(`Invalid value for "${key}": expected database, redis or memory`)
    }
    return value as 'database' | 'redis' | 'memory'
  },
  /** A session unused this long ends (default 2h) */
  SESSION_IDLE_TIMEOUT: duration,
  /** A session ends this long after sign-in, used or not (default 24h) */
  SESSION_LIFETIME: duration,
  SIGNUP_ENABLED: Env.schema.boolean.optional(),
  /** Peers trusted to set X-Forwarded-For: addresses, CIDRs, loopback/linklocal/uniquelocal, or none (default loopback) */
  TRUSTED_PROXIES: (key: string, value?: string) => {
    if (value === undefined || value === '') return undefined
    for (const entry of value.split(',').map((part) => part.trim())) {
      const known = ['none', 'loopback', 'linklocal', 'uniquelocal'].includes(entry)
      const address = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry)
      if (!known && !address)
        throw new Error(
          `Invalid value for "${key}": "${entry}" is not an address, a CIDR, loopback, linklocal, uniquelocal or none`
        )
    }
    return value
  },
  EMBEDDED: Env.schema.boolean.optional(),
  /** Pairs claimed by the dispatcher and not yet checked, at most (the queue's backlog) */
  CHECKS_MAX_IN_FLIGHT: Env.schema.number.optional(),
  DEMO_ADMIN_EMAIL: Env.schema.string.optional({ format: 'email' }),
  /** Purchases of other users need a manager's approval (default: the requester approves) */
  PURCHASE_REQUIRE_MANAGER: Env.schema.boolean.optional(),
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
  REDIS_DB: Env.schema.number.optional(),
  /** Start of every key and channel of this deployment (default: from a hash of APP_KEY). */
  REDIS_PREFIX: (key: string, value?: string) => {
    if (value === undefined || value === '') return undefined
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(value)) {
      throw new Error(
        `Invalid value for "${key}": 1 to 64 letters, digits, "-", "_" or "." (got "${value}")`
      )
    }
    return value
  },
  QUEUE_DRIVER: Env.schema.enum.optional(['database', 'redis', 'sync'] as const),
  LIMITER_STORE: Env.schema.enum.optional(['memory', 'database', 'redis'] as const),
  LOCK_STORE: Env.schema.enum.optional(['memory', 'database', 'redis'] as const),
  TRANSMIT_TRANSPORT: Env.schema.enum.optional(['memory', 'redis'] as const),

  /*
  |----------------------------------------------------------
  | Public API (config/api.ts, config/cors.ts)
  |----------------------------------------------------------
  */
  /** Requests per minute per access token on /api/v1 (0: no limit). Default 600. */
  API_RATE_LIMIT: Env.schema.number.optional(),
  /** Where the per-token counters live; defaults to LIMITER_STORE. */
  API_RATE_LIMIT_STORE: Env.schema.enum.optional(['memory', 'database', 'redis'] as const),
  /** Origins allowed to call the API from a browser: comma-separated, `*` for any. Default: none. */
  CORS_ORIGINS: Env.schema.string.optional(),
  /** Bearer token for GET /metrics (an admin access token works too). Unset: admin tokens only. */
  METRICS_TOKEN: Env.schema.secret.optional(),

  /*
  |----------------------------------------------------------
  | Notifications
  |----------------------------------------------------------
  | All optional: a fresh install boots without any of them.
  | Email needs SMTP_HOST (or another MAIL_MAILER), SMS needs
  | the three TWILIO_* credentials, web push generates its
  | VAPID keys on first start when none are given.
  */
  MAIL_MAILER: Env.schema.enum.optional([
    'smtp',
    'ses',
    'resend',
    'postmark',
    'mailgun',
    'brevo',
  ] as const),
  SMTP_HOST: Env.schema.string.optional({ format: 'host' }),
  SMTP_PORT: Env.schema.number.optional(),
  /** Implicit TLS (port 465). Otherwise STARTTLS is used when the server offers it. */
  SMTP_SECURE: Env.schema.boolean.optional(),
  SMTP_USERNAME: Env.schema.string.optional(),
  SMTP_PASSWORD: Env.schema.secret.optional(),
  MAIL_FROM_ADDRESS: Env.schema.string.optional({ format: 'email' }),
  MAIL_FROM_NAME: Env.schema.string.optional(),
  /** API key of the resend / postmark / mailgun / brevo mailer */
  MAIL_API_KEY: Env.schema.secret.optional(),
  MAILGUN_DOMAIN: Env.schema.string.optional(),
  SES_REGION: Env.schema.string.optional(),
  TWILIO_ACCOUNT_SID: (key: string, value?: string) => {
    if (value === undefined || value === '') return undefined
    if (!/^AC[0-9a-fA-F]{32}$/.test(value)) {
      throw new Error(
        `Invalid value for "${key}": expected a Twilio Account SID ("AC" and 32 hex characters)`
      )
    }
    return value
  },
  TWILIO_AUTH_TOKEN: Env.schema.secret.optional(),
  /** Sender: an E.164 number (+14155550123) or a Messaging Service SID (MG…) */
  TWILIO_FROM: (key: string, value?: string) => {
    if (value === undefined || value === '') return undefined
    if (!/^\+[1-9]\d{7,14}$/.test(value) && !/^MG[0-9a-fA-F]{32}$/.test(value)) {
      throw new Error(
        `Invalid value for "${key}": expected an E.164 number (+14155550123) or a Messaging Service SID (MG…)`
      )
    }
    return value
  },
  /** Twilio API base URL (default https://api.twilio.com); tests point it at a local server */
  TWILIO_API_BASE: Env.schema.string.optional({ format: 'url', tld: false }),
  /** VAPID key pair (base64url). Unset: generated on first start and stored. */
  VAPID_PUBLIC_KEY: (key: string, value?: string) => {
    if (value === undefined || value === '') return undefined
    if (!/^[A-Za-z0-9_-]{86,88}$/.test(value)) {
      throw new Error(
        `Invalid value for "${key}": expected a base64url P-256 public key (87 characters)`
      )
    }
    return value
  },
  VAPID_PRIVATE_KEY: Env.schema.secret.optional(),
  /** VAPID contact: "mailto:ops@example.com" or an https URL (default: APP_URL if https, else mailto: MAIL_FROM_ADDRESS) */
  VAPID_SUBJECT: (key: string, value?: string) => {
    if (value === undefined || value === '') return undefined
    if (!/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/.test(value)) {
      throw new Error(`Invalid value for "${key}": expected "mailto:address" or an https URL`)
    }
    return value
  },
  /** Lets webhook, Slack/Discord and push URLs reach private and loopback addresses, over plain http too (trusted lab installs only) */
  WEBHOOK_ALLOW_PRIVATE: Env.schema.boolean.optional(),
  /** Whole-attempt timeout of one webhook / chat / push delivery (default 10000) */
  WEBHOOK_TIMEOUT_MS: Env.schema.number.optional(),
})
