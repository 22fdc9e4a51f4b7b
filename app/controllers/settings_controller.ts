import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import limiter from '@adonisjs/limiter/services/main'
import UserService from '#services/user_service'
import AccessTokenService from '#services/access_token_service'
import WebSessions, { humanDuration } from '#services/web_sessions'
import { sessionLimits } from '#config/session'
import {
  changePasswordValidator,
  createTokenValidator,
  profileValidator,
  TIMEZONES,
} from '#validators/auth_validator'

@inject()
export default class SettingsController {
  constructor(
    private users: UserService,
    private tokens: AccessTokenService,
    private sessions: WebSessions
  ) {}

  async show({ inertia, auth, session }: HttpContext) {
    const user = auth.getUserOrFail()
    return inertia.render('settings/show', {
      tokens: await this.tokens.list(user),
      allowedAbilities: this.tokens.allowedAbilities(user),
      timezones: TIMEZONES,
      /** Open web sessions of this user, this one included */
      sessionCount: await this.sessions.count(user),
      sessionLimits: {
        idle: humanDuration(sessionLimits.idleSeconds),
        lifetime: humanDuration(sessionLimits.lifetimeSeconds),
      },
      /** A freshly created token secret is shown once, right after creation. */
      newToken:
        (session.flashMessages.get('newToken') as { name: string; secret: string } | undefined) ??
        null,
    })
  }

  async updateProfile({ request, auth, response, session }: HttpContext) {
    const payload = await request.validateUsing(profileValidator)
    await this.users.updateProfile(auth.getUserOrFail(), payload)
    session.flash('success', 'Profile saved.')
    return response.redirect('/settings')
  }

  async updatePassword({ request, auth, response, session }: HttpContext) {
    const payload = await request.validateUsing(changePasswordValidator)
    const user = auth.getUserOrFail()
    /** The current-password check is a log-in in disguise: throttled per account too. */
    const [throttled] = await limiter
      .use({ requests: 5, duration: '15 mins', blockDuration: '15 mins' })
      .penalize(`password_check_${user.id}`, () =>
        this.users.changePassword(user, payload.currentPassword, payload.password)
      )
    if (throttled) throw throttled
    const ended = await this.sessions.endOthers(user, session.sessionId)
    session.flash(
      'success',
      ended > 0
        ? `Password changed. You were signed out everywhere else (${ended} ${ended === 1 ? 'session' : 'sessions'}).`
        : 'Password changed.'
    )
    return response.redirect('/settings')
  }

  async createToken({ request, auth, response, session }: HttpContext) {
    const payload = await request.validateUsing(createTokenValidator)
    const token = await this.tokens.create(auth.getUserOrFail(), payload.name, payload.abilities)
    session.flash('newToken', { name: token.name, secret: token.secret })
    session.flash('success', 'Token created. Copy it now: it will not be shown again.')
    return response.redirect('/settings')
  }

  async revokeToken({ params, auth, response, session }: HttpContext) {
    await this.tokens.revoke(auth.getUserOrFail(), params.id)
    session.flash('success', 'Token revoked.')
    return response.redirect('/settings')
  }

  /** Settings → "Sign out everywhere": every session of the user ends, this one too. */
  async signOutEverywhere(ctx: HttpContext) {
    const { auth, response, session } = ctx
    const user = auth.getUserOrFail()
    await this.sessions.endOthers(user, session.sessionId)
    await this.sessions.end(ctx)
    session.flash('success', 'You are signed out everywhere.')
    return response.redirect('/login')
  }
}
