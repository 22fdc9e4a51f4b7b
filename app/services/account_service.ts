/**
 * Linked platform accounts: at most one per user and platform (never a pool,
 * DESIGN §1). The credential is checked with the platform before it is
 * saved, stored encrypted, and never returned. Every change is audited.
 */
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import Account from '#models/account'
import Platform from '#models/platform'
import type User from '#models/user'
import { ApiException, apiErrors } from '#exceptions/catalogue'
import { connectorRuntime } from '#connectors/runtime'
import { ConnectorError, CredentialRejected } from '#connectors/errors'
import type { Credential } from '#connectors/contract'
import { encryptSecret, decryptSecret } from '#security/secrets'
import { recordAudit } from '#services/audit_log'

export interface LinkInput {
  platform: string
  username: string
  credentials: Record<string, string>
}

export default class AccountService {
  async list(user: User) {
    return user.related('accounts').query().preload('platform').orderBy('id')
  }

  async platformsForLinking() {
    const runtime = await connectorRuntime()
    const platforms = await Platform.query().where('enabled', true).orderBy('name')
    return platforms
      .filter((platform) => platform.slug !== 'jsonld')
      .map((platform) => {
        let fields: Array<{ name: string; label: string; secret: boolean }> = []
        try {
          fields = runtime.connector(platform.slug).credentialFields
        } catch {
          fields = []
        }
        return {
          slug: platform.slug,
          name: platform.name,
          fields,
          checkout: platform.capabilities.checkout,
        }
      })
  }

  private async platformOrFail(slug: string) {
    const platform = await Platform.findBy('slug', slug)
    if (!platform || !platform.enabled) {
      throw new apiErrors.E_VALIDATION(`Unknown or disabled platform "${slug}"`, 'platform')
    }
    return platform
  }

  /** Asks the platform whether the credential works. */
  async verify(platform: Platform, credential: Credential) {
    const runtime = await connectorRuntime()
    const connector = runtime.connector(platform.slug)
    for (const field of connector.credentialFields.filter((item) => item.secret)) {
      if (!credential[field.name]) {
        throw new apiErrors.E_VALIDATION(`${field.label} is required`, `credentials.${field.name}`)
      }
    }
    try {
      const result = await connector.checkCredential({ credential })
      if (!result.ok)
        throw new apiErrors.E_CREDENTIAL_REJECTED(
          `${platform.name} refused these credentials: ${result.reason}`,
          'credentials'
        )
    } catch (error) {
      if (error instanceof ApiException) throw error
      if (error instanceof CredentialRejected) {
        throw new apiErrors.E_CREDENTIAL_REJECTED(
          `${platform.name} refused these credentials`,
          'credentials'
        )
      }
      if (error instanceof ConnectorError) {
        throw new apiErrors.E_PLATFORM_UNAVAILABLE(
          `Could not check with ${platform.name} now: ${error.message}`,
          'credentials'
        )
      }
      throw error
    }
  }

  /**
   * The deployment-wide credential an admin sets for a platform (used when
   * the requesting user has no linked account there). Checked first,
   * encrypted, audited; `null` removes it.
   */
  async setDeploymentCredential(
    actor: User,
    platformId: number,
    credentials: Record<string, string> | null,
    ip: string | null = null
  ) {
    const platform = await Platform.findOrFail(platformId)
    if (credentials) await this.verify(platform, credentials)
    await db.transaction(async (trx) => {
      platform.useTransaction(trx)
      platform.encryptedCredentials = credentials
        ? encryptSecret(credentials, 'platform.credentials')
        : null
      await platform.save()
      await recordAudit(
        {
          actorId: actor.id,
          action: credentials ? 'platform.credential_set' : 'platform.credential_removed',
          subjectType: 'platform',
          subjectId: platform.id,
          ip,
        },
        trx
      )
    })
    await this.#forget()
    return platform
  }

  async link(user: User, input: LinkInput, ip: string | null = null) {
    const platform = await this.platformOrFail(input.platform)
    const existing = await user
      .related('accounts')
      .query()
      .where('platform_id', platform.id)
      .first()
    if (existing) {
      throw new apiErrors.E_ACCOUNT_EXISTS(
        `You already linked an account on ${platform.name} (one per platform). Replace its credentials instead.`,
        'platform'
      )
    }
    await this.verify(platform, input.credentials)
    return db
      .transaction(async (trx) => {
        const account = await Account.create(
          {
            userId: user.id,
            platformId: platform.id,
            username: input.username,
            encryptedCredentials: encryptSecret(input.credentials, 'account.credentials'),
            status: 'ok',
            lastCheck: DateTime.utc(),
            lastError: null,
          },
          { client: trx }
        )
        await recordAudit(
          {
            actorId: user.id,
            action: 'account.linked',
            subjectType: 'account',
            subjectId: account.id,
            toState: 'ok',
            meta: { platform: platform.slug },
            ip,
          },
          trx
        )
        return account
      })
      .finally(() => this.#forget())
  }

  /** Credentials changed: this process stops using the cached ones at once (others within 60 s). */
  async #forget() {
    ;(await connectorRuntime()).forgetCredentials()
  }

  async replaceCredentials(
    user: User,
    accountId: number,
    credentials: Record<string, string>,
    ip: string | null = null
  ) {
    const account = await user
      .related('accounts')
      .query()
      .where('id', accountId)
      .preload('platform')
      .firstOrFail()
    await this.verify(account.platform, credentials)
    await db.transaction(async (trx) => {
      account.useTransaction(trx)
      account.encryptedCredentials = encryptSecret(credentials, 'account.credentials')
      account.status = 'ok'
      account.lastError = null
      account.lastCheck = DateTime.utc()
      await account.save()
      await recordAudit(
        {
          actorId: user.id,
          action: 'account.credentials_changed',
          subjectType: 'account',
          subjectId: account.id,
          ip,
        },
        trx
      )
    })
    await this.#forget()
    return account
  }

  async unlink(user: User, accountId: number, ip: string | null = null) {
    const account = await user.related('accounts').query().where('id', accountId).firstOrFail()
    await db.transaction(async (trx) => {
      account.useTransaction(trx)
      await account.delete()
      await recordAudit(
        {
          actorId: user.id,
          action: 'account.unlinked',
          subjectType: 'account',
          subjectId: accountId,
          ip,
        },
        trx
      )
    })
    await this.#forget()
  }

  /**
   * Re-checks a stored credential (the ValidateAccountHealth job). A newly
   * rejected credential is audited once and raises one `account_issue`
   * notification.
   */
  async checkHealth(accountId: number) {
    const account = await Account.query().where('id', accountId).preload('platform').first()
    if (!account) return null
    const runtime = await connectorRuntime()
    const before = account.status
    let status: Account['status'] = 'ok'
    let lastError: string | null = null
    try {
      const credential = decryptSecret<Credential>(
        account.encryptedCredentials,
        'account.credentials'
      )
      const result = await runtime.connector(account.platform.slug).checkCredential({ credential })
      if (!result.ok) {
        status = 'rejected'
        lastError = result.reason.slice(0, 500)
      }
    } catch (error) {
      status = error instanceof CredentialRejected ? 'rejected' : 'error'
      lastError = (error as Error).message.slice(0, 500)
    }
    account.merge({ status, lastError, lastCheck: DateTime.utc() })
    await account.save()
    if (status === 'rejected' && before !== 'rejected') {
      await recordAudit({
        actorId: null,
        action: 'account.credential_rejected',
        subjectType: 'account',
        subjectId: account.id,
        fromState: before,
        toState: status,
        reason: lastError,
      })
      const { notifyAccountRejected } = await import('#notifications/account_notifications')
      await notifyAccountRejected({
        userId: account.userId,
        accountId: account.id,
        platform: account.platform.name ?? account.platform.slug,
        reason: lastError,
      })
    }
    return account
  }
}
