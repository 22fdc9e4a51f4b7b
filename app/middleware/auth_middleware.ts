import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import WebSessions, { endedByLifetime } from '#services/web_sessions'

/**
 * Web pages: a signed-out visitor is sent to the log-in page.
 */
export default class AuthMiddleware {
  redirectTo = '/login'

  async handle(ctx: HttpContext, next: NextFn) {
    /** A page whose session just reached its lifetime: to the log-in page, with that reason. */
    if (endedByLifetime.has(ctx) && ctx.request.accepts(['html', 'json']) !== 'json') {
      return ctx.response.redirect(this.redirectTo)
    }
    await ctx.auth.authenticateUsing(['web'], { loginRoute: this.redirectTo })
    if (ctx.auth.user?.disabledAt) {
      await new WebSessions().end(ctx)
      ctx.session.flash('error', 'This account is disabled.')
      return ctx.response.redirect(this.redirectTo)
    }
    return next()
  }
}
