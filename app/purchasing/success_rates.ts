/**
 * Success rates per platform and per account, from purchase_attempts: the
 * share of attempts that ended with an order (placed, or found by its key).
 * Our own aborts (price drift before ordering) are not the platform's doing
 * and do not count.
 */
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { smoothedRate, type SuccessRate } from '#purchasing/offer_selection'
import { dbTime } from '#purchasing/sql'

export type AttemptOutcome = 'placed' | 'reconciled' | 'transient' | 'rejected' | 'aborted'

export interface RateRow {
  id: number
  succeeded: number
  failed: number
  rate: number
  attempts: number
}

const DEFAULT_WINDOW_MS = 30 * 24 * 3_600_000

async function grouped(
  column: 'platform_id' | 'account_id',
  options: { since?: Date; ids?: number[]; client?: QueryClientContract }
) {
  const client = options.client ?? db.connection()
  const since = options.since ?? new Date(Date.now() - DEFAULT_WINDOW_MS)
  const query = client
    .from('purchase_attempts')
    .select(column)
    .select(
      client.raw(
        `sum(case when outcome in ('placed', 'reconciled') then 1 else 0 end) as succeeded`
      )
    )
    .select(
      client.raw(`sum(case when outcome in ('transient', 'rejected') then 1 else 0 end) as failed`)
    )
    .where('finished_at', '>=', dbTime(client, since))
    .whereNotNull(column)
    .groupBy(column)
  if (options.ids) query.whereIn(column, options.ids.length ? options.ids : [-1])
  const rows = await query
  return rows.map((row: any): RateRow => {
    const succeeded = Number(row.succeeded ?? 0)
    const failed = Number(row.failed ?? 0)
    return {
      id: Number(row[column]),
      succeeded,
      failed,
      attempts: succeeded + failed,
      rate: smoothedRate(succeeded, failed),
    }
  })
}

export function platformSuccessRates(
  options: { since?: Date; ids?: number[]; client?: QueryClientContract } = {}
) {
  return grouped('platform_id', options)
}

export function accountSuccessRates(
  options: { since?: Date; ids?: number[]; client?: QueryClientContract } = {}
) {
  return grouped('account_id', options)
}

/** For offer selection: platform id → smoothed rate. */
export async function platformRateMap(
  ids: number[],
  client?: QueryClientContract
): Promise<Map<number, SuccessRate>> {
  const rows = await platformSuccessRates({ ids, client })
  return new Map(rows.map((row) => [row.id, { rate: row.rate, attempts: row.attempts }]))
}

export async function recordAttempt(
  client: QueryClientContract,
  attempt: {
    requestId: number
    userId: number
    platformId: number
    accountId: number | null
    attempt: number
    outcome: AttemptOutcome
    code?: string | null
    message?: string | null
    startedAt: Date
    finishedAt: Date
  }
) {
  await client.table('purchase_attempts').insert({
    purchase_request_id: attempt.requestId,
    user_id: attempt.userId,
    platform_id: attempt.platformId,
    account_id: attempt.accountId,
    attempt: attempt.attempt,
    outcome: attempt.outcome,
    code: attempt.code?.slice(0, 60) ?? null,
    message: attempt.message?.slice(0, 500) ?? null,
    started_at: dbTime(client, attempt.startedAt),
    finished_at: dbTime(client, attempt.finishedAt),
  })
}
