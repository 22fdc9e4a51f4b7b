import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { sessionLimits } from '#config/session'
import WebSessions, { endedByLifetime, SIGNED_IN_AT } from '#services/web_sessions'

/**
 * A signed-in session ends SESSION_LIFETIME after sign-in, however busy it
 * was (the idle timeout is the store's own expiry). The request then goes on
 * signed out: a page sends the visitor to the log-in page, with a word why.
 *
 * A session signed in before sessions were stamped gets its stamp (and its
 * user tag) on its first request.
 */
export default class SessionLifetimeMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const web = ctx.auth.use('web')
    const userId = ctx.session?.get(web.sessionKeyName)
    if (userId !== undefined) {
      const signedInAt = Number(ctx.session.get(SIGNED_IN_AT))
      if (!Number.isFinite(signedInAt) || signedInAt <= 0) {
        ctx.session.put(SIGNED_IN_AT, Date.now())
        await ctx.session.tag(String(userId))
      } else if (Date.now() - signedInAt > sessionLimits.lifetimeSeconds * 1000) {
        await new WebSessions().end(ctx)
        ctx.session.flash('error', 'Your session has ended. Sign in again to continue.')
        endedByLifetime.add(ctx)
      }
    }
    return next()
  }
}
