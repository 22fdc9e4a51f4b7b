/**
 * A transaction the database chose as a deadlock victim is rolled back as a
 * whole: it is run again (a few times, after a short random pause) and
 * counted in /metrics (hdtickets_db_deadlocks_total). The batch writes also
 * take their rows in id order, which keeps two workers' batches from
 * deadlocking on each other in the first place (#15 item 6).
 */
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { recordDeadlock } from '#monitoring/metrics'

const ATTEMPTS = 4

/** PostgreSQL 40P01, MySQL/MariaDB 1213 (ER_LOCK_DEADLOCK). */
export function isDeadlock(error: unknown): boolean {
  const failure = error as { code?: unknown; errno?: unknown } | null
  return (
    failure?.code === '40P01' || failure?.code === 'ER_LOCK_DEADLOCK' || failure?.errno === 1213
  )
}

export async function transactionWithRetry<T>(
  work: (trx: TransactionClientContract) => Promise<T>,
  attempts = ATTEMPTS
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work)
    } catch (error) {
      if (!isDeadlock(error) || attempt >= attempts) throw error
      recordDeadlock(db.connection().dialect.name)
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt))
    }
  }
}
