/**
 * The Redis connections this process actually uses — the main one (queue,
 * limiter, locks) and the SSE transport's publisher and subscriber — so
 * that /health/ready reports on them rather than on a connection opened for
 * the occasion, and an outage is logged once when it starts and once when
 * it ends (ioredis reports every failed reconnection attempt).
 */
import { Redis } from 'ioredis'
import type { RedisOptions } from 'ioredis'
import type { Logger } from '@adonisjs/core/logger'

type Kind = 'commands' | 'pubsub'

interface Tracked {
  name: string
  connection: Redis
  kind: Kind
  downSince: number | null
  lastError: string | null
}

export interface ConnectionCheck {
  status: 'ok' | 'error'
  message?: string
}

const tracked = new Map<string, Tracked>()
let log: Pick<Logger, 'warn' | 'info'> | null = null

/** Where outage starts and ends are logged (the app logger, set at boot). */
export function logRedisOutagesTo(logger: Pick<Logger, 'warn' | 'info'> | null) {
  log = logger
}

function markDown(entry: Tracked, reason: string) {
  entry.lastError = reason
  if (entry.downSince !== null) return
  entry.downSince = Date.now()
  log?.warn(
    { redis: entry.name, reason },
    'Redis unreachable: commands fail with 503 and the connection retries until it is back'
  )
}

/** Follows a connection for the health check and the outage log. */
export function trackRedis(name: string, connection: Redis, kind: Kind = 'commands') {
  if (tracked.get(name)?.connection === connection) return
  const entry: Tracked = { name, connection, kind, downSince: null, lastError: null }
  tracked.set(name, entry)
  connection.on('error', (error: Error) => markDown(entry, error.message))
  /** Emitted only when ioredis is about to dial again, never after our own quit(). */
  connection.on('reconnecting', () => markDown(entry, entry.lastError ?? 'connection lost'))
  connection.on('ready', () => {
    if (entry.downSince !== null) {
      log?.info(
        { redis: entry.name, downMs: Date.now() - entry.downSince },
        'Redis reachable again'
      )
    }
    entry.downSince = null
    entry.lastError = null
  })
}

/** Forgets every tracked connection (tests that build their own). */
export function untrackRedis(name?: string) {
  if (name) tracked.delete(name)
  else tracked.clear()
}

/**
 * An ioredis client that never connects itself: the SSE transport
 * duplicates it into its publisher and subscriber, and those copies are
 * tracked under `<name>#1`, `<name>#2`.
 */
export class TrackedRedis extends Redis {
  readonly trackAs: string
  #copies = 0

  constructor(trackAs: string, options: RedisOptions) {
    super({ ...options, lazyConnect: true })
    this.trackAs = trackAs
  }

  duplicate(override?: Partial<RedisOptions>): Redis {
    const copy = super.duplicate(override)
    trackRedis(`${this.trackAs}#${++this.#copies}`, copy, 'pubsub')
    return copy
  }
}

function pingWithin(connection: Redis, ms: number) {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    connection.ping(),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer to PING within ${ms} ms`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

function describeDown(entry: Tracked) {
  const since = entry.downSince ? ` since ${new Date(entry.downSince).toISOString()}` : ''
  return `${entry.connection.status}${since}: ${entry.lastError ?? 'not connected'}`
}

/**
 * One check per tracked connection. A command connection answers a PING
 * (one that never connected yet dials now: it is the one the process will
 * use); a pub/sub connection is ready, or not yet dialled. A connection
 * that is reconnecting is an error at once, without waiting.
 */
export async function redisChecks(timeoutMs = 1_000): Promise<Record<string, ConnectionCheck>> {
  const checks: Record<string, ConnectionCheck> = {}
  await Promise.all(
    [...tracked.values()].map(async (entry) => {
      const key = entry.name === 'main' ? 'redis' : `redis:${entry.name}`
      const status = entry.connection.status
      if (entry.kind === 'pubsub') {
        checks[key] =
          status === 'ready'
            ? { status: 'ok' }
            : status === 'wait'
              ? { status: 'ok', message: 'connects on first use' }
              : { status: 'error', message: describeDown(entry) }
        return
      }
      if (status !== 'ready' && status !== 'wait') {
        checks[key] = { status: 'error', message: describeDown(entry) }
        return
      }
      try {
        await pingWithin(entry.connection, timeoutMs)
        checks[key] = { status: 'ok' }
      } catch (error) {
        checks[key] = { status: 'error', message: (error as Error).message }
      }
    })
  )
  return checks
}

const OUTAGE_MESSAGES = [
  'Connection is closed.',
  "Stream isn't writeable",
  'Redis connection is not ready',
  'Reached the max retries per request limit',
]

/**
 * Whether an error means "Redis is away" (rather than a bug): what ioredis,
 * the limiter and the lock store throw while the connection is down.
 */
export function isRedisOutage(error: unknown): boolean {
  for (let current: any = error, depth = 0; current && depth < 5; depth++) {
    if (current.name === 'MaxRetriesPerRequestError') return true
    const message = typeof current.message === 'string' ? current.message : ''
    if (OUTAGE_MESSAGES.some((text) => message.startsWith(text))) return true
    current = current.cause
  }
  return false
}
