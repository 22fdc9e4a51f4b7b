import { Job } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import db from '@adonisjs/lucid/services/db'
import AccountService from '#services/account_service'

interface ValidateAccountHealthPayload {
  /** One account (on demand), or every account when absent (the schedule) */
  accountId?: number
}

/**
 * Runs each linked account's checkCredential and records status and
 * last_check. On a schedule for all accounts, and on demand for one.
 */
export default class ValidateAccountHealth extends Job<ValidateAccountHealthPayload> {
  static options: JobOptions = { name: 'ValidateAccountHealth', queue: 'default', maxRetries: 2 }

  async execute() {
    const service = new AccountService()
    if (this.payload.accountId !== undefined) {
      await service.checkHealth(this.payload.accountId)
      return
    }
    const ids = await db.from('accounts').select('id').orderBy('id')
    for (const { id } of ids) await service.checkHealth(id)
  }
}
