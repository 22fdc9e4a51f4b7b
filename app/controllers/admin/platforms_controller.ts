import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import Platform from '#models/platform'
import { replaceCredentialsValidator, updatePlatformValidator } from '#validators/account_validator'
import AccountService from '#services/account_service'
import { connectorRuntime } from '#connectors/runtime'
import { recordAudit } from '#services/audit_log'
import { resetConnectorRuntime } from '#connectors/runtime'

/** Admins edit each platform's limits; the connectors pick them up at once. */
@inject()
export default class AdminPlatformsController {
  constructor(private accounts: AccountService) {}

  async index({ inertia }: HttpContext) {
    const platforms = await Platform.query().orderBy('name')
    const runtime = await connectorRuntime()
    const fieldsOf = (slug: string) => {
      try {
        return runtime.connector(slug).credentialFields
      } catch {
        return []
      }
    }
    return inertia.render('admin/platforms', {
      platforms: platforms.map((platform) => ({
        id: platform.id,
        slug: platform.slug,
        name: platform.name,
        /** Where the connector really answers: the sandbox runs wherever this deployment started it. */
        baseUrl:
          platform.slug === 'sandbox' && runtime.sandboxUrl ? runtime.sandboxUrl : platform.baseUrl,
        capabilities: platform.capabilities,
        enabled: platform.enabled,
        requestsPerSecond: platform.requestsPerSecond,
        requestsPerDay: platform.requestsPerDay,
        maxTicketsPerOrder: platform.maxTicketsPerOrder,
        hasDeploymentCredential: platform.encryptedCredentials !== null,
        credentialFields: fieldsOf(platform.slug),
      })),
    })
  }

  async setCredential({ params, request, auth, response, session }: HttpContext) {
    const { credentials } = await request.validateUsing(replaceCredentialsValidator)
    const empty = !credentials || Object.values(credentials).every((value) => !value)
    const platform = await this.accounts.setDeploymentCredential(
      auth.getUserOrFail(),
      Number(params.id),
      empty ? null : (credentials as Record<string, string>),
      request.ip()
    )
    session.flash(
      'success',
      empty
        ? `${platform.name}: deployment credential removed.`
        : `${platform.name}: deployment credential checked and saved.`
    )
    return response.redirect('/admin/platforms')
  }

  async update({ params, request, auth, response, session }: HttpContext) {
    const payload = await request.validateUsing(updatePlatformValidator)
    const platform = await Platform.findOrFail(params.id)
    const before = {
      enabled: platform.enabled,
      requestsPerSecond: platform.requestsPerSecond,
      requestsPerDay: platform.requestsPerDay,
    }
    platform.merge(payload)
    await platform.save()
    await recordAudit({
      actorId: auth.user!.id,
      action: 'platform.updated',
      subjectType: 'platform',
      subjectId: platform.id,
      meta: { before, after: payload },
      ip: request.ip(),
    })
    resetConnectorRuntime()
    session.flash('success', `${platform.name} updated.`)
    return response.redirect('/admin/platforms')
  }
}
