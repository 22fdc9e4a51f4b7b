/**
 * Budget caps per user (per event, per day, per month, in one currency) and
 * the spend they are held against: orders placed (API and manual) plus what
 * active requests could still spend (quantity × their maximum), so parallel
 * requests cannot together break a cap. Days and months follow the user's
 * timezone.
 */
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type User from '#models/user'
import { apiErrors } from '#exceptions/catalogue'
import { recordAudit } from '#services/audit_log'
import { checkBudget, type BudgetCaps, type Refusal, type Spend } from '#purchasing/criteria'
import { dbTime } from '#purchasing/sql'

export interface Budget extends BudgetCaps {
  priceDriftBps: number
}

export const DEFAULT_BUDGET: Budget = Object.freeze({
  currency: 'USD',
  perEventMinor: null,
  perDayMinor: null,
  perMonthMinor: null,
  priceDriftBps: 0,
})

const toNumberOrNull = (value: unknown) =>
  value === null || value === undefined ? null : Number(value)

export async function loadBudget(
  client: QueryClientContract,
  userId: number
): Promise<Budget | null> {
  const row = await client.from('purchase_budgets').where('user_id', userId).first()
  if (!row) return null
  return {
    currency: row.currency,
    perEventMinor: toNumberOrNull(row.per_event_minor),
    perDayMinor: toNumberOrNull(row.per_day_minor),
    perMonthMinor: toNumberOrNull(row.per_month_minor),
    priceDriftBps: Number(row.price_drift_bps ?? 0),
  }
}

/** Orders that did not go through (the platform's words vary) do not count as spend. */
const NOT_SPENT = ['rejected', 'canceled', 'cancelled', 'failed', 'void']
const RESERVING = ['pending_approval', 'approved', 'executing']

export async function spendOf(
  client: QueryClientContract,
  input: {
    userId: number
    eventId: number
    currency: string
    timezone: string
    now: Date
    excludeRequestId?: number | null
  }
): Promise<Spend> {
  const local = DateTime.fromJSDate(input.now).setZone(input.timezone || 'UTC')
  const zoned = local.isValid ? local : DateTime.fromJSDate(input.now).toUTC()
  const dayStart = zoned.startOf('day').toJSDate()
  const monthStart = zoned.startOf('month').toJSDate()
  const sum = (query: any) =>
    query
      .sum('total_minor as total')
      .first()
      .then((row: any) => Number(row?.total ?? 0))

  const base = () =>
    client
      .from('orders')
      .where('user_id', input.userId)
      .where('currency', input.currency)
      .whereNotIn('status', NOT_SPENT)
  /**
   * One after the other: `client` is often a transaction, and queries left
   * running on it after one of them failed run into a finished transaction.
   */
  const eventOrders = await sum(base().where('event_id', input.eventId))
  const dayOrders = await sum(base().where('placed_at', '>=', dbTime(client, dayStart)))
  const monthOrders = await sum(base().where('placed_at', '>=', dbTime(client, monthStart)))

  const reservations = client
    .from('purchase_requests')
    .where('user_id', input.userId)
    .where('currency', input.currency)
    .whereIn('status', RESERVING)
    .select('event_id', 'quantity', 'max_price_minor')
  if (input.excludeRequestId) reservations.whereNot('id', input.excludeRequestId)
  let reservedAll = 0
  let reservedEvent = 0
  for (const row of await reservations) {
    const amount = Number(row.quantity) * Number(row.max_price_minor)
    reservedAll += amount
    if (Number(row.event_id) === input.eventId) reservedEvent += amount
  }
  return {
    eventMinor: eventOrders + reservedEvent,
    dayMinor: dayOrders + reservedAll,
    monthMinor: monthOrders + reservedAll,
  }
}

export interface BudgetInput {
  currency: string
  perEventMinor: number | null
  perDayMinor: number | null
  perMonthMinor: number | null
  priceDriftBps: number
}

export default class BudgetService {
  async show(actor: User): Promise<Budget> {
    return (await loadBudget(db.connection(), actor.id)) ?? { ...DEFAULT_BUDGET }
  }

  /** Members and above set their own caps; every change is audited. */
  async update(actor: User, input: BudgetInput, ip: string | null = null): Promise<Budget> {
    if (!actor.hasRoleAtLeast('member'))
      throw new apiErrors.E_FORBIDDEN('Viewers cannot change purchase budgets')
    for (const [field, value] of Object.entries({
      perEventMinor: input.perEventMinor,
      perDayMinor: input.perDayMinor,
      perMonthMinor: input.perMonthMinor,
    })) {
      if (value !== null && (!Number.isSafeInteger(value) || value < 0)) {
        throw new apiErrors.E_VALIDATION(
          'A cap is a whole, non-negative amount in minor units',
          field
        )
      }
    }
    if (
      !Number.isSafeInteger(input.priceDriftBps) ||
      input.priceDriftBps < 0 ||
      input.priceDriftBps > 5_000
    ) {
      throw new apiErrors.E_VALIDATION(
        'The price tolerance is 0–5000 basis points (0–50 %)',
        'priceDriftBps'
      )
    }
    const now = new Date()
    await db.transaction(async (trx) => {
      const before = await loadBudget(trx, actor.id)
      const row = {
        currency: input.currency.toUpperCase(),
        per_event_minor: input.perEventMinor,
        per_day_minor: input.perDayMinor,
        per_month_minor: input.perMonthMinor,
        price_drift_bps: input.priceDriftBps,
        updated_at: dbTime(trx, now),
      }
      if (before) await trx.from('purchase_budgets').where('user_id', actor.id).update(row)
      else
        await trx
          .table('purchase_budgets')
          .insert({ ...row, user_id: actor.id, created_at: dbTime(trx, now) })
      await recordAudit(
        {
          actorId: actor.id,
          action: 'purchase.budget_changed',
          subjectType: 'user',
          subjectId: actor.id,
          meta: { before, after: { ...input, currency: row.currency } },
          ip,
        },
        trx
      )
    })
    return (await loadBudget(db.connection(), actor.id))!
  }
}

/**
 * The refusal a new amount meets against `user`'s caps, or null: their
 * budget and what they spent (`excludeRequestId`: the request being
 * decided, already counted as reserved). Run inside the transaction that
 * holds the user's row lock, so two requests cannot both fit the last of a cap.
 */
export async function budgetRefusal(
  client: QueryClientContract,
  user: User,
  order: {
    eventId: number
    currency: string
    amountMinor: number
    excludeRequestId: number | null
    now: Date
  }
): Promise<Refusal | null> {
  const budget = await loadBudget(client, user.id)
  if (!budget) return null
  const spent = await spendOf(client, {
    userId: user.id,
    eventId: order.eventId,
    currency: order.currency,
    timezone: user.timezone,
    now: order.now,
    excludeRequestId: order.excludeRequestId,
  })
  return checkBudget(budget, spent, order.amountMinor, order.currency)
}
