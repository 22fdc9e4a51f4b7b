import vine from '@vinejs/vine'
import { instant } from '#validators/day'
import { PURCHASE_STATES } from '#purchasing/state_machine'

const money = () => vine.number().withoutDecimals().min(0).max(100_000_000)

/** POST /purchases, POST /api/v1/purchases (the Idempotency-Key header may carry the key instead). */
export const createPurchaseValidator = vine.create({
  listingId: vine.number().withoutDecimals().min(1).optional(),
  eventId: vine.number().withoutDecimals().min(1).optional(),
  platform: vine
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_-]{1,39}$/)
    .optional(),
  listingRef: vine.string().trim().minLength(1).maxLength(191).optional(),
  quantity: vine.number().withoutDecimals().min(1).max(100),
  maxPriceMinor: vine.number().withoutDecimals().min(1).max(100_000_000).optional(),
  idempotencyKey: vine
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._:-]{1,100}$/)
    .optional(),
  ruleId: vine.number().withoutDecimals().min(1).optional(),
  alertId: vine.number().withoutDecimals().min(1).optional(),
  draft: vine.boolean().optional(),
})

export const rejectPurchaseValidator = vine.create({
  reason: vine.string().trim().minLength(1).maxLength(500),
})

export const listPurchasesValidator = vine.create({
  status: vine.enum(PURCHASE_STATES).optional(),
  scope: vine.enum(['mine', 'awaiting', 'all'] as const).optional(),
  eventId: vine.number().withoutDecimals().min(1).optional(),
  platform: vine.string().trim().maxLength(40).optional(),
  from: instant().optional(),
  to: instant().optional(),
  page: vine.number().withoutDecimals().min(1).optional(),
  perPage: vine.number().withoutDecimals().min(1).max(100).optional(),
})

export const manualPurchaseValidator = vine.create({
  eventId: vine.number().withoutDecimals().min(1),
  platform: vine
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_-]{1,39}$/),
  quantity: vine.number().withoutDecimals().min(1).max(100),
  unitPriceMinor: money(),
  feesMinor: money(),
  currency: vine
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/),
  purchasedAt: instant(),
  paymentReference: vine.string().trim().maxLength(191).optional(),
  idempotencyKey: vine
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._:-]{1,100}$/)
    .optional(),
})

export const budgetValidator = vine.create({
  currency: vine
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/),
  perEventMinor: money().nullable(),
  perDayMinor: money().nullable(),
  perMonthMinor: money().nullable(),
  priceDriftBps: vine.number().withoutDecimals().min(0).max(5_000),
})
