/**
 * The signed-in dashboard's own panels (watched events, latest alerts,
 * purchases awaiting approval), computed once per user and data version and
 * reused until something they show changes.
 *
 * What changes them, and how this process hears of it — the same messages
 * that make an open dashboard reload (app/monitoring/live_feed.ts), after
 * the write they announce has committed:
 *
 * - `events/<id>`: the market of an event was written (lowest price,
 *   listings, status) → every user watching that event;
 * - `users/<id>`: an alert, a purchase or a watch rule of that user changed
 *   (WatchRuleService announces rule changes as `watch_rules`) → that user;
 * - `dashboard/purchases` (server-only): a purchase request changed state
 *   (app/purchasing/requests.ts, once committed) → every user (a manager
 *   sees every pending request);
 * - a roll-up written in this process (app/analytics/event_rollup.ts) bumps
 *   its events once its transaction commits, announced or not.
 *
 * Messages broadcast in this process arrive through Transmit's `broadcast`
 * event; with TRANSMIT_TRANSPORT=redis (several processes), those of the
 * other processes arrive on Transmit's Redis channel, which this module
 * also listens to. While that subscription is not up, nothing is cached
 * (a change made elsewhere could go unseen), and whatever was cached is
 * dropped when it (re)connects.
 *
 * The entry's version is a sequence number taken before its queries run,
 * so a change that lands while they run makes the entry stale at once.
 * An entry also ages out after MAX_AGE_MS: what no message announces —
 * an event renamed or rescheduled by discovery, a new event matching a
 * filter rule — and the clock-relative figures (the 7-day sparkline's
 * window, "vs yesterday") are at most that old.
 */
import transmit from '@adonisjs/transmit/services/main'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { transmitRedisChannel } from '#config/transmit'

export const dashboardCacheLimits = {
  /** How long an entry may be reused at most (a setting a test may lower) */
  maxAgeMs: 10_000,
  /** Entries kept (one per user and role view); the oldest go first */
  maxEntries: 5_000,
}

/**
 * A server-only channel (start/transmit.ts lets no browser subscribe):
 * purchase requests changed state. Pending requests are few and change
 * rarely, so every dashboard entry depends on them (a manager's shows all).
 */
export const PURCHASES_CHANNEL = 'dashboard/purchases'

type Entry<T> = {
  value: T
  /** The sequence number when its queries started */
  version: number
  at: number
  eventIds: number[]
}

class DashboardVersions {
  #sequence = 0
  #events = new Map<number, number>()
  #users = new Map<number, number>()
  #purchases = 0
  #everything = 0
  #entries = new Map<string, Entry<unknown>>()
  /** false while the cross-process subscription is not up: nothing is cached */
  #listening = false
  #started = false

  current() {
    return this.#sequence
  }

  eventChanged(eventId: number) {
    this.#events.set(eventId, ++this.#sequence)
    if (this.#events.size > 50_000) this.#forgetAll()
  }

  userChanged(userId: number, kind: unknown) {
    this.#users.set(userId, ++this.#sequence)
    if (typeof kind === 'string' && kind.startsWith('purchase')) this.#purchases = this.#sequence
    if (this.#users.size > 50_000) this.#forgetAll()
  }

  purchasesChanged() {
    this.#purchases = ++this.#sequence
  }

  #forgetAll() {
    this.#everything = ++this.#sequence
    this.#events.clear()
    this.#users.clear()
    this.#entries.clear()
  }

  /** A message of the live feed, from this process or another. */
  heard(channel: unknown, payload: unknown) {
    if (typeof channel !== 'string') return
    const slash = channel.indexOf('/')
    const id = Number(channel.slice(slash + 1))
    if (slash < 0 || (!Number.isInteger(id) && channel !== PURCHASES_CHANNEL)) return
    const scope = channel.slice(0, slash)
    if (channel === PURCHASES_CHANNEL) this.purchasesChanged()
    else if (scope === 'events') this.eventChanged(id)
    else if (scope === 'users') this.userChanged(id, (payload as any)?.kind)
  }

  /**
   * A message of Transmit's Redis channel, as @boringnode/bus's JSON
   * encoder writes it: `{ busId, payload: { type, channel, payload } }`.
   */
  heardOnBus(text: string) {
    let message: any
    try {
      message = JSON.parse(text)?.payload
    } catch {
      return
    }
    this.heard(message?.channel, message?.payload)
  }

  /** Starts listening (once per process); true when entries may be kept. */
  listen(): boolean {
    if (!this.#started) {
      this.#started = true
      transmit.on('broadcast', ({ channel, payload }) => this.heard(channel, payload))
      if (!transmitRedisChannel) this.#listening = true
      else void this.#subscribe(transmitRedisChannel)
    }
    return this.#listening
  }

  async #subscribe(channel: string) {
    const { redisOptions } = await import('#config/redis')
    const { TrackedRedis } = await import('#services/redis_connections')
    const subscriber = new TrackedRedis('dashboard', redisOptions).duplicate()
    subscriber.on('message', (_channel: string, text: string) => this.heardOnBus(text))
    subscriber.on('ready', () => {
      this.#forgetAll()
      subscriber
        .subscribe(channel)
        .then(() => {
          this.#forgetAll()
          this.#listening = true
        })
        .catch((error: unknown) => logger.warn({ err: error }, 'dashboard cache: no subscription'))
    })
    subscriber.on('close', () => {
      this.#listening = false
      this.#forgetAll()
    })
    subscriber.connect().catch(() => {})
    app.terminating(async () => {
      this.#listening = false
      await subscriber.quit().catch(() => subscriber.disconnect())
    })
  }

  /**
   * The entry of `key` when nothing it shows changed since it was made,
   * else `make()`'s value, kept as the new entry.
   */
  async reuse<T extends object>(
    key: string,
    userId: number,
    make: () => Promise<{ value: T; eventIds: number[] }>,
    now = Date.now()
  ): Promise<T> {
    const listening = this.listen()
    const entry = this.#entries.get(key) as Entry<T> | undefined
    if (entry && this.#fresh(entry, userId, now)) return entry.value
    const version = this.#sequence
    const made = await make()
    if (listening && this.#listening) {
      this.#entries.delete(key)
      if (this.#entries.size >= dashboardCacheLimits.maxEntries)
        this.#entries.delete(this.#entries.keys().next().value!)
      this.#entries.set(key, {
        value: made.value,
        version,
        at: now,
        eventIds: made.eventIds,
      })
    }
    return made.value
  }

  #fresh(entry: Entry<unknown>, userId: number, now: number) {
    if (!this.#listening) return false
    if (now - entry.at >= dashboardCacheLimits.maxAgeMs || now < entry.at) return false
    if (this.#everything > entry.version) return false
    if ((this.#users.get(userId) ?? 0) > entry.version) return false
    if (this.#purchases > entry.version) return false
    for (const id of entry.eventIds) if ((this.#events.get(id) ?? 0) > entry.version) return false
    return true
  }

  /** Drops every entry (a test starting over, a restore of the database). */
  clear() {
    this.#forgetAll()
  }
}

export const dashboardVersions = new DashboardVersions()

/** Called once a purchase request's move has committed (app/purchasing/requests.ts). */
export function announcePurchasesChanged() {
  try {
    transmit.broadcast(PURCHASES_CHANNEL, { kind: 'purchases' })
  } catch (error) {
    logger.warn({ err: error }, 'could not announce a purchase change')
  }
}
