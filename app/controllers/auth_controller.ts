import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import limiter from '@adonisjs/limiter/services/main'
import User from '#models/user'
import UserService from '#services/user_service'
import WebSessions from '#services/web_sessions'
import { loginValidator, signupValidator } from '#validators/auth_validator'
import { hdtickets } from '#config/app'
import { CATALOGUE, type ErrorCode } from '#exceptions/catalogue'

/**
 * Log-in attempts are throttled twice; successes don't count:
 * - per email + client address (request.ip(), X-Forwarded-For only from
 *   TRUSTED_PROXIES): five failures a minute, then that pair is blocked for
 *   fifteen minutes;
 * - per account, whatever the address (a guesser rotating addresses or
 *   forged headers): twenty failures in fifteen minutes block that account's
 *   log-in for fifteen minutes.
 */
const loginLimiter = (email: string, ip: string) =>
  limiter.multi([
    { key: `login_${email}_${ip}`, requests: 5, duration: '1 min', blockDuration: '15 mins' },
    { key: `login_account_${email}`, requests: 20, duration: '15 mins', blockDuration: '15 mins' },
  ])

@inject()
export default class AuthController {
  constructor(
    private users: UserService,
    private sessions: WebSessions
  ) {}

  async showSignup({ inertia }: HttpContext) {
    const hasUsers = Number((await User.query().count('* as total'))[0].$extras.total) > 0
    return inertia.render('auth/signup', { signupEnabled: hdtickets.signupEnabled || !hasUsers })
  }

  async signup(ctx: HttpContext) {
    const { request, response, auth, session } = ctx
    const payload = await request.validateUsing(signupValidator)
    const user = await this.users.signup(payload)
    await auth.use('web').login(user)
    await this.sessions.started(ctx, user)
    session.flash(
      'success',
      user.role === 'admin'
        ? 'Welcome! You are the admin of this HDTickets.'
        : 'Welcome to HDTickets.'
    )
    return response.redirect('/')
  }

  async showLogin({ inertia }: HttpContext) {
    return inertia.render('auth/login', { signupEnabled: hdtickets.signupEnabled })
  }

  async login(ctx: HttpContext) {
    const { request, response, auth, session } = ctx
    const { email, password } = await request.validateUsing(loginValidator)
    const [throttled, user] = await loginLimiter(email, request.ip()).penalize(() =>
      User.verifyCredentials(email, password)
    )

    if (throttled) {
      const message = `Too many failed log-ins. Try again in ${throttled.response.availableIn} seconds.`
      if (request.accepts(['html', 'json']) === 'json' && !request.header('x-inertia')) {
        response.header('retry-after', String(throttled.response.availableIn))
        const code = 'E_TOO_MANY_REQUESTS' satisfies ErrorCode
        return response.status(CATALOGUE[code].status).send({ errors: [{ code, message }] })
      }
      session.flashExcept(['password'])
      session.flash('error', message)
      return response.redirect().back()
    }
    if (user.disabledAt) {
      session.flash('error', 'This account is disabled.')
      return response.redirect().back()
    }
    await auth.use('web').login(user)
    await this.sessions.started(ctx, user)
    return response.redirect('/')
  }

  /** The session ends in the store: a copy of its cookie kept from before is worth nothing. */
  async logout(ctx: HttpContext) {
    const { response, session } = ctx
    await this.sessions.end(ctx)
    session.flash('success', 'You are logged out.')
    return response.redirect('/login')
  }
}
