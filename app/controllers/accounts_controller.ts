import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import AccountService from '#services/account_service'
import AccountTransformer from '#transformers/account_transformer'
import ValidateAccountHealth from '#jobs/validate_account_health'
import { linkAccountValidator, replaceCredentialsValidator } from '#validators/account_validator'

@inject()
export default class AccountsController {
  constructor(private accounts: AccountService) {}

  async index({ inertia, auth }: HttpContext) {
    const user = auth.getUserOrFail()
    return inertia.render('accounts/index', {
      accounts: (await this.accounts.list(user)).map((account) =>
        AccountTransformer.toJSON(account)
      ),
      platforms: await this.accounts.platformsForLinking(),
    })
  }

  async store({ request, auth, bouncer, response, session }: HttpContext) {
    await bouncer.authorize('writeOwnData')
    const payload = await request.validateUsing(linkAccountValidator)
    const account = await this.accounts.link(
      auth.getUserOrFail(),
      {
        platform: payload.platform,
        username: payload.username,
        credentials: payload.credentials ?? {},
      },
      request.ip()
    )
    session.flash('success', `Account linked and checked (${account.username}).`)
    return response.redirect('/accounts')
  }

  async update({ params, request, auth, bouncer, response, session }: HttpContext) {
    await bouncer.authorize('writeOwnData')
    const payload = await request.validateUsing(replaceCredentialsValidator)
    await this.accounts.replaceCredentials(
      auth.getUserOrFail(),
      Number(params.id),
      payload.credentials ?? {},
      request.ip()
    )
    session.flash('success', 'Credentials replaced and checked.')
    return response.redirect('/accounts')
  }

  async recheck({ params, auth, response, session }: HttpContext) {
    const account = await auth
      .getUserOrFail()
      .related('accounts')
      .query()
      .where('id', Number(params.id))
      .firstOrFail()
    await ValidateAccountHealth.dispatch({ accountId: account.id })
    session.flash('success', 'Re-check queued; the status updates in a moment.')
    return response.redirect('/accounts')
  }

  async destroy({ params, request, auth, bouncer, response, session }: HttpContext) {
    await bouncer.authorize('writeOwnData')
    await this.accounts.unlink(auth.getUserOrFail(), Number(params.id), request.ip())
    session.flash('success', 'Account unlinked; its credentials are deleted.')
    return response.redirect('/accounts')
  }
}
