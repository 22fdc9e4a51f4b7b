import vine from '@vinejs/vine'
import { instant } from '#validators/day'
import { compileSectionPattern } from '#alerts/rule_engine'

const sectionPattern = vine.createRule((value, _options, field) => {
  if (typeof value !== 'string') return
  try {
    compileSectionPattern(value)
  } catch (error) {
    field.report((error as Error).message, 'sectionPattern', field)
  }
})

const trigger = vine.union([
  vine.union.if(
    (value) => vine.helpers.isObject(value) && (value as any).kind === 'price_drop',
    vine.object({
      kind: vine.literal('price_drop'),
      percent: vine.number().min(0.1).max(100).optional(),
      belowMinor: vine.number().withoutDecimals().min(1).optional(),
    })
  ),
  vine.union.if(
    (value) => vine.helpers.isObject(value) && (value as any).kind === 'lowest_in_days',
    vine.object({
      kind: vine.literal('lowest_in_days'),
      days: vine.number().withoutDecimals().min(1).max(365),
    })
  ),
  vine.union.if(
    (value) => vine.helpers.isObject(value) && (value as any).kind === 'bottom_percentile',
    vine.object({
      kind: vine.literal('bottom_percentile'),
      percent: vine.number().min(1).max(50),
    })
  ),
  vine.union.if(
    (value) => vine.helpers.isObject(value) && (value as any).kind === 'seats_together',
    vine.object({
      kind: vine.literal('seats_together'),
      count: vine.number().withoutDecimals().min(2).max(20),
    })
  ),
  vine.union.else(
    vine.object({
      kind: vine.enum(['available', 'back_in_stock', 'on_sale', 'status_change'] as const),
    })
  ),
])

/**
 * A watch rule as the form and /api/v1/watch-rules send it. Cross-field
 * checks (one target, a currency with a price cap, a date range that runs
 * forward, known platforms, a price-drop with a threshold) are in
 * WatchRuleService, which reports them by field too.
 */
export const watchRuleValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(120),
  eventId: vine.number().withoutDecimals().min(1).nullable().optional(),
  filters: vine
    .object({
      team: vine.string().trim().maxLength(120).optional(),
      league: vine.string().trim().maxLength(60).optional(),
      venue: vine.string().trim().maxLength(200).optional(),
      from: instant().optional(),
      to: instant().optional(),
      platforms: vine.array(vine.string().trim().maxLength(40)).maxLength(10).optional(),
    })
    .optional(),
  maxPriceMinor: vine.number().withoutDecimals().min(1).max(100_000_000).nullable().optional(),
  currency: vine.string().trim().toUpperCase().fixedLength(3).alpha().nullable().optional(),
  includeFees: vine.boolean().optional(),
  minQuantity: vine.number().withoutDecimals().min(1).max(20).optional(),
  sections: vine
    .array(vine.string().trim().minLength(1).maxLength(40).use(sectionPattern()))
    .maxLength(30)
    .optional(),
  triggers: vine.array(trigger).minLength(1).maxLength(8),
  hysteresisMinor: vine.number().withoutDecimals().min(0).max(10_000_000).optional(),
  cooldownSeconds: vine
    .number()
    .withoutDecimals()
    .min(0)
    .max(30 * 86_400)
    .optional(),
  channels: vine.array(vine.string().trim().maxLength(40)).maxLength(10).optional(),
  minDealScore: vine.number().withoutDecimals().min(0).max(100).nullable().optional(),
  maxAlertsPerHour: vine.number().withoutDecimals().min(1).max(1000).nullable().optional(),
  importance: vine.number().withoutDecimals().min(1).max(5).optional(),
  autoPurchase: vine.boolean().optional(),
  enabled: vine.boolean().optional(),
  follow: vine.boolean().optional(),
})

export const previewRuleValidator = watchRuleValidator
