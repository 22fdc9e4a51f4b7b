import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * Web pages: a signed-out visitor is sent to the log-in page.
 */
export default class AuthMiddleware {
  redirectTo = '/login'

  async handle(ctx: HttpContext, next: NextFn) {
    await ctx.auth.authenticateUsing(['web'], { loginRoute: this.redirectTo })
    if (ctx.auth.user?.disabledAt) {
      await ctx.auth.use('web').logout()
      ctx.session.flash('error', 'This account is disabled.')
      return ctx.response.redirect(this.redirectTo)
    }
    return next()
  }
}
