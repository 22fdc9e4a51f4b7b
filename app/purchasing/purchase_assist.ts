/**
 * Purchase assist, for platforms without an order API (Ticketmaster,
 * SeatGeek, StubHub, schema.org event pages): HDTickets opens the platform's
 * own event page, the user buys there, then records what they bought so
 * spend and analytics stay complete. Nothing is automated on the platform's
 * site (DESIGN §1). Card numbers are never stored: a payment reference that
 * looks like one is refused.
 */
import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import Order from '#models/order'
import { apiErrors } from '#exceptions/catalogue'
import { recordAudit } from '#services/audit_log'
import { looksLikeCardNumber } from '#purchasing/criteria'
import { uniqueViolation } from '#purchasing/sql'

export interface AssistLink {
  eventId: number
  platform: string
  platformName: string
  url: string
  /** True when the platform also takes orders through HDTickets (a request is the better path) */
  checkout: boolean
}

export interface ManualPurchaseInput {
  eventId: number
  platform: string
  quantity: number
  unitPriceMinor: number
  feesMinor: number
  currency: string
  purchasedAt: Date
  paymentReference?: string | null
  /** Client-supplied key (retries of the same form submission record once) */
  idempotencyKey?: string | null
  ip?: string | null
}

const CLIENT_KEY = /^[A-Za-z0-9._:-]{1,100}$/

export default class PurchaseAssistService {
  constructor(private clock: () => Date = () => new Date()) {}

  async assist(actor: User, eventId: number, platform: string): Promise<AssistLink> {
    void actor
    const source = await db
      .from('event_sources as s')
      .join('platforms as p', 'p.id', 's.platform_id')
      .where('s.event_id', eventId)
      .where('p.slug', platform)
      .select('s.url', 'p.slug', 'p.name', 'p.capabilities')
      .first()
    if (!source)
      throw new apiErrors.E_NOT_FOUND(
        `This event is not sold on "${platform}" as far as HDTickets knows`,
        'platform'
      )
    let url: URL | null = null
    try {
      url = source.url ? new URL(source.url) : null
    } catch {
      url = null
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new apiErrors.E_NO_EVENT_PAGE(
        `${source.name} gave no event page for this event`,
        'platform'
      )
    }
    const capabilities =
      typeof source.capabilities === 'string'
        ? JSON.parse(source.capabilities)
        : source.capabilities
    return {
      eventId,
      platform: source.slug,
      platformName: source.name,
      url: url.toString(),
      checkout: Boolean(capabilities?.checkout),
    }
  }

  async recordManualPurchase(
    actor: User,
    input: ManualPurchaseInput
  ): Promise<{ order: Order; replayed: boolean }> {
    if (!actor.hasRoleAtLeast('member'))
      throw new apiErrors.E_FORBIDDEN('Viewers cannot record purchases')
    const fail = (message: string, field: string): never => {
      throw new apiErrors.E_VALIDATION(message, field)
    }
    if (!Number.isSafeInteger(input.quantity) || input.quantity < 1 || input.quantity > 100)
      fail('Quantity is 1–100', 'quantity')
    if (!Number.isSafeInteger(input.unitPriceMinor) || input.unitPriceMinor < 0)
      fail('The unit price is a whole, non-negative amount in minor units', 'unitPriceMinor')
    if (!Number.isSafeInteger(input.feesMinor) || input.feesMinor < 0)
      fail('Fees are a whole, non-negative amount in minor units', 'feesMinor')
    if (!/^[A-Z]{3}$/.test(input.currency ?? ''))
      fail('Currency is an ISO 4217 code such as USD', 'currency')
    if (
      !(input.purchasedAt instanceof Date) ||
      Number.isNaN(input.purchasedAt.getTime()) ||
      input.purchasedAt.getTime() > this.clock().getTime() + 5 * 60_000
    ) {
      fail('The purchase date cannot be in the future', 'purchasedAt')
    }
    const reference = input.paymentReference?.trim() || null
    if (reference !== null) {
      if (reference.length > 191)
        fail('The payment reference is at most 191 characters', 'paymentReference')
      if (looksLikeCardNumber(reference)) {
        throw new apiErrors.E_CARD_NUMBER_REFUSED(
          'That looks like a card number. HDTickets never stores card numbers: enter the platform order or payment reference instead',
          'paymentReference'
        )
      }
    }
    if (
      input.idempotencyKey !== undefined &&
      input.idempotencyKey !== null &&
      !CLIENT_KEY.test(input.idempotencyKey)
    ) {
      fail(
        'An idempotency key is 1–100 characters of letters, digits and . _ : -',
        'idempotencyKey'
      )
    }
    const event = await db.from('events').where('id', input.eventId).first()
    if (!event) throw new apiErrors.E_NOT_FOUND('No such event', 'eventId')
    const platform = await db.from('platforms').where('slug', input.platform).first()
    if (!platform) fail(`Unknown platform "${input.platform}"`, 'platform')

    const key = input.idempotencyKey
      ? `manual-u${actor.id}-${input.idempotencyKey}`
      : `manual-u${actor.id}-${randomUUID()}`
    const existing = await Order.findBy('idempotency_key', key)
    if (existing) return this.#replay(actor, existing, input)
    const total = input.unitPriceMinor * input.quantity + input.feesMinor
    try {
      const order = await db.transaction(async (trx) => {
        const created = await Order.create(
          {
            purchaseRequestId: null,
            userId: actor.id,
            platformId: Number(platform.id),
            accountId: null,
            eventId: Number(event.id),
            externalOrderId: null,
            idempotencyKey: key,
            status: 'completed',
            quantity: input.quantity,
            unitPriceMinor: input.unitPriceMinor,
            feesMinor: input.feesMinor,
            totalMinor: total,
            currency: input.currency,
            source: 'manual',
            paymentReference: reference,
            placedAt: DateTime.fromJSDate(input.purchasedAt),
          },
          { client: trx }
        )
        await recordAudit(
          {
            actorId: actor.id,
            action: 'purchase.manual_recorded',
            subjectType: 'order',
            subjectId: created.id,
            toState: 'completed',
            meta: {
              eventId: created.eventId,
              platform: input.platform,
              quantity: input.quantity,
              totalMinor: total,
              currency: input.currency,
            },
            ip: input.ip ?? null,
          },
          trx
        )
        return created
      })
      return { order, replayed: false }
    } catch (error) {
      if (!uniqueViolation(error)) throw error
      const again = await Order.findBy('idempotency_key', key)
      if (!again) throw error
      return this.#replay(actor, again, input)
    }
  }

  #replay(actor: User, order: Order, input: ManualPurchaseInput) {
    if (
      order.userId !== actor.id ||
      order.eventId !== input.eventId ||
      order.quantity !== input.quantity ||
      order.unitPriceMinor !== input.unitPriceMinor
    ) {
      throw new apiErrors.E_IDEMPOTENCY_KEY_REUSED(
        'This idempotency key was used for a different purchase',
        'idempotencyKey'
      )
    }
    return { order, replayed: true }
  }
}
