import app from '@adonisjs/core/services/app'
import type { HttpContext } from '@adonisjs/core/http'
import { SessionCollection } from '@adonisjs/session'
import type User from '#models/user'

/** When the session's user signed in (ms since the epoch): its lifetime counts from here. */
export const SIGNED_IN_AT = 'signed_in_at'

/** Where the `web` guard keeps the signed-in user's id in the session (config/auth.ts). */
const AUTH_KEY = 'auth_web'

/** Requests whose session just reached its lifetime (the log-in page says why). */
export const endedByLifetime = new WeakSet<HttpContext>()

/**
 * The web sessions of a user, kept on the server (config/session.ts). Each
 * one is tagged with its user at sign-in, so that a password change can end
 * the others and "Sign out everywhere" can end them all.
 */
export default class WebSessions {
  async #collection() {
    return app.container.make(SessionCollection)
  }

  /**
   * The user's tagged sessions that are still signed in as them. A tag can
   * outlive its sign-in (Redis keeps the tag when the session id is used
   * again signed out), so the session's own data decides.
   */
  async #signedIn(user: User) {
    const collection = await this.#collection()
    const sessions = await collection.tagged(String(user.id))
    return {
      collection,
      sessions: sessions.filter((session) => String(session.data[AUTH_KEY]) === String(user.id)),
    }
  }

  /** Right after `auth.use('web').login(user)`: stamp and tag the new session. */
  async started(ctx: HttpContext, user: User) {
    ctx.session.put(SIGNED_IN_AT, Date.now())
    await ctx.session.tag(String(user.id))
  }

  /**
   * Signs the request's session out and ends it in the store: a new, empty
   * session id replaces it (the old one is destroyed when the session is
   * committed), so a copy of the old cookie opens nothing.
   */
  async end(ctx: HttpContext) {
    await ctx.auth.use('web').logout()
    ctx.session.clear()
    ctx.session.regenerate()
  }

  /** How many sessions the user has open (this one included). */
  async count(user: User) {
    return (await this.#signedIn(user)).sessions.length
  }

  /** Ends every session of the user but `keep` (the one making the request); returns how many. */
  async endOthers(user: User, keep: string | null) {
    const { collection, sessions } = await this.#signedIn(user)
    let ended = 0
    for (const session of sessions) {
      if (session.id === keep) continue
      await collection.destroy(session.id)
      ended++
    }
    return ended
  }
}

/** 7200 → "2 hours", 90 → "1 minute", 86400 → "24 hours", 604800 → "7 days" (for people, rounded down). */
export function humanDuration(seconds: number) {
  const [size, unit] =
    seconds >= 2 * 86400 ? [86400, 'day'] : seconds >= 3600 ? [3600, 'hour'] : [60, 'minute']
  const count = Math.max(1, Math.floor(seconds / size))
  return `${count} ${unit}${count === 1 ? '' : 's'}`
}
