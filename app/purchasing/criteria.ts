/**
 * The rules a purchase must satisfy, as pure functions: data in, a verdict
 * out (no database, clock or network). The service turns a refusal into an
 * `ApiException` with the code given here.
 */
import type { FieldErrorCode } from '#exceptions/catalogue'

export interface Refusal<Code extends string = FieldErrorCode> {
  /** A 422 code of the catalogue, which the service throws as is naming `field` (the executor's drift check has its own). */
  code: Code
  message: string
  field: string
}

/** The price a buyer pays per ticket: with fees when the platform gives them. */
export function allInUnitMinor(listing: {
  priceMinor: number | null
  priceWithFeesMinor: number | null
}): number | null {
  return listing.priceWithFeesMinor ?? listing.priceMinor
}

/**
 * The per-ticket price an order is placed at: the ticket price, which is what
 * an exchange's order API takes (its service fee, delivery and tax are charged
 * beside it, not in it). Only a listing that states no ticket price falls back
 * to its price with fees.
 */
export function orderUnitMinor(listing: {
  priceMinor: number | null
  priceWithFeesMinor: number | null
}): number | null {
  return listing.priceMinor ?? listing.priceWithFeesMinor
}

/** Quantity against what is left, the listing's splits and the platform's per-order limit. */
export function checkQuantity(input: {
  quantity: number
  available: number
  splits: number[] | null
  platformMax: number | null
  platformName?: string
}): Refusal | null {
  const { quantity, available, splits, platformMax } = input
  if (!Number.isSafeInteger(quantity) || quantity < 1) {
    return {
      code: 'E_INVALID_QUANTITY',
      message: 'Quantity must be a whole number of at least 1',
      field: 'quantity',
    }
  }
  if (platformMax !== null && quantity > platformMax) {
    return {
      code: 'E_PLATFORM_LIMIT',
      message: `${input.platformName ?? 'The platform'} allows at most ${platformMax} tickets per order`,
      field: 'quantity',
    }
  }
  if (quantity > available) {
    return {
      code: 'E_QUANTITY_UNAVAILABLE',
      message: `Only ${available} tickets are left in this listing`,
      field: 'quantity',
    }
  }
  if (splits !== null && !splits.includes(quantity)) {
    return {
      code: 'E_INVALID_SPLIT',
      message: `This listing sells ${splits.length ? splits.join(', ') : 'no'} tickets at a time, not ${quantity}`,
      field: 'quantity',
    }
  }
  return null
}

export function checkPrice(unitMinor: number | null, maxPriceMinor: number): Refusal | null {
  if (unitMinor === null)
    return { code: 'E_NO_PRICE', message: 'This listing has no price', field: 'listingId' }
  if (unitMinor > maxPriceMinor) {
    return {
      code: 'E_PRICE_ABOVE_MAX',
      message: `The listing costs ${unitMinor} per ticket (minor units), above your maximum of ${maxPriceMinor}`,
      field: 'maxPriceMinor',
    }
  }
  return null
}

export interface BudgetCaps {
  currency: string
  perEventMinor: number | null
  perDayMinor: number | null
  perMonthMinor: number | null
}

export interface Spend {
  eventMinor: number
  dayMinor: number
  monthMinor: number
}

/** The first cap the new amount would break, or null. Caps in another currency do not apply. */
export function checkBudget(
  caps: BudgetCaps | null,
  spent: Spend,
  amountMinor: number,
  currency: string
): Refusal | null {
  if (!caps || caps.currency !== currency) return null
  const checks: Array<[number | null, number, string]> = [
    [caps.perEventMinor, spent.eventMinor, 'event'],
    [caps.perDayMinor, spent.dayMinor, 'day'],
    [caps.perMonthMinor, spent.monthMinor, 'month'],
  ]
  for (const [cap, used, period] of checks) {
    if (cap !== null && used + amountMinor > cap) {
      return {
        code: 'E_BUDGET_EXCEEDED',
        message: `This purchase (${amountMinor}) would take your ${period} spend to ${used + amountMinor} ${currency} minor units, above your cap of ${cap}`,
        field: 'quantity',
      }
    }
  }
  return null
}

/**
 * Auto-approval: only for the requester's own enabled rule with
 * auto_purchase on, a price cap in the same currency, and a request whose
 * maximum stays within that cap.
 */
export function autoApprovalFits(
  rule: {
    userId: number
    enabled: boolean
    autoPurchase: boolean
    maxPriceMinor: number | null
    currency: string | null
  } | null,
  request: { userId: number; maxPriceMinor: number; currency: string; unitMinor: number }
): boolean {
  if (!rule || !rule.autoPurchase || !rule.enabled || rule.userId !== request.userId) return false
  if (rule.maxPriceMinor === null) return false
  if (rule.currency !== null && rule.currency !== request.currency) return false
  return request.unitMinor <= rule.maxPriceMinor && request.maxPriceMinor <= rule.maxPriceMinor
}

/**
 * The highest per-ticket price the order may be placed at: the quoted price
 * plus the user's drift tolerance, never above the request's maximum.
 */
export function priceCeiling(quotedMinor: number, maxPriceMinor: number, driftBps: number): number {
  const tolerated = Math.floor((quotedMinor * (10_000 + Math.max(0, driftBps))) / 10_000)
  return Math.min(maxPriceMinor, tolerated)
}

/** The re-quote right before the order: fine when at or under the ceiling. */
export function checkDrift(
  currentMinor: number,
  quotedMinor: number,
  maxPriceMinor: number,
  driftBps: number
): Refusal<'price_drift'> | null {
  const ceiling = priceCeiling(quotedMinor, maxPriceMinor, driftBps)
  if (currentMinor <= ceiling) return null
  return {
    code: 'price_drift',
    message: `The price moved from ${quotedMinor} to ${currentMinor} per ticket, beyond the accepted ${ceiling}`,
    field: 'maxPriceMinor',
  }
}

/** Exponential backoff with the platform's Retry-After as a floor. */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | null,
  baseMs = 2_000,
  maxMs = 5 * 60_000
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.max(exponential, retryAfterMs ?? 0)
}

function luhn(digits: string): boolean {
  let sum = 0
  let double = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    double = !double
  }
  return sum % 10 === 0
}

/**
 * True when the text holds something shaped like a payment card number: a
 * run of 13–19 digits (spaces or dashes allowed between them) that passes
 * the Luhn check. HDTickets stores platform-side references only.
 */
export function looksLikeCardNumber(text: string): boolean {
  const runs = text.match(/\d(?:[ -]?\d)*/g) ?? []
  for (const run of runs) {
    const digits = run.replace(/[ -]/g, '')
    if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) return true
  }
  return false
}
