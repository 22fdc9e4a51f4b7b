import type { PriceMode } from '#analytics/fees'
import db from '@adonisjs/lucid/services/db'
import User, { type Role } from '#models/user'
import { apiErrors } from '#exceptions/catalogue'
import { hdtickets } from '#config/app'
import { recordAudit } from '#services/audit_log'

/**
 * Sign-up, password and role changes: the account use cases, free of HTTP.
 */
export default class UserService {
  /**
   * The first user of a deployment becomes its admin; later sign-ups are
   * members, or refused when SIGNUP_ENABLED=false.
   */
  async signup(input: { email: string; password: string; fullName?: string | null }) {
    return db.transaction(async (trx) => {
      const existing = await trx.from('users').count('* as total').first()
      const isFirst = Number(existing?.total ?? 0) === 0
      if (!isFirst && !hdtickets.signupEnabled) {
        throw new apiErrors.E_SIGNUP_DISABLED('Sign-up is disabled on this deployment')
      }
      const user = await User.create(
        {
          email: input.email,
          password: input.password,
          fullName: input.fullName ?? null,
          role: isFirst ? 'admin' : 'member',
          timezone: 'UTC',
        },
        { client: trx }
      )
      await recordAudit(
        {
          actorId: user.id,
          action: 'user.signup',
          subjectType: 'user',
          subjectId: user.id,
          toState: user.role,
        },
        trx
      )
      return user
    })
  }

  async changePassword(user: User, currentPassword: string, newPassword: string) {
    const verified = await User.verifyCredentials(user.email, currentPassword).catch(() => null)
    if (!verified || verified.id !== user.id) {
      throw new apiErrors.E_VALIDATION('The current password is not correct', 'currentPassword')
    }
    user.password = newPassword
    await user.save()
    await recordAudit({
      actorId: user.id,
      action: 'user.password_changed',
      subjectType: 'user',
      subjectId: user.id,
    })
  }

  async updateProfile(
    user: User,
    input: { fullName?: string | null; timezone?: string; priceMode?: PriceMode }
  ) {
    user.merge(input)
    await user.save()
    return user
  }

  async changeRole(actor: User, target: User, role: Role) {
    const from = target.role
    if (from === role) return target
    await db.transaction(async (trx) => {
      target.useTransaction(trx)
      target.role = role
      await target.save()
      await recordAudit(
        {
          actorId: actor.id,
          action: 'user.role_changed',
          subjectType: 'user',
          subjectId: target.id,
          fromState: from,
          toState: role,
        },
        trx
      )
    })
    return target
  }
}
