import type { HttpContext } from '@adonisjs/core/http'
import { apiErrors } from '#exceptions/catalogue'
import { purchaseService } from '#purchasing/settings'
import { auditToJSON, orderToJSON, purchaseRequestToJSON } from '#purchasing/purchase_transformer'
import { createPurchaseValidator, rejectPurchaseValidator } from '#validators/purchase_validator'
import { normaliseRequest } from '#purchasing/requests'
import { PURCHASE_STATES } from '#purchasing/state_machine'
import { paginate, parseListQuery, type ListSpec } from '#api/pagination'

const SCOPES = ['mine', 'awaiting', 'all'] as const

const spec: ListSpec = {
  sorts: { id: { column: 'r.id' }, createdAt: { column: 'r.created_at' } },
  defaultSort: '-id',
  idColumn: 'r.id',
  enums: { scope: SCOPES, status: PURCHASE_STATES },
  filters: {
    /** Applied to the base query (it depends on the caller), see index(). */
    scope: () => {},
    status: (query, value) => query.where('r.status', value),
    eventId: (query, value) => {
      if (!/^\d{1,9}$/.test(value))
        throw new apiErrors.E_VALIDATION('"eventId" must be a whole number', 'eventId')
      query.where('r.event_id', Number(value))
    },
    platform: (query, value) => query.where('p.slug', value),
  },
}

/**
 * /api/v1/purchases — create (Idempotency-Key header or body field), list,
 * show, approve, reject, cancel. Errors use the one envelope.
 */
export default class PurchasesController {
  async index({ auth, request }: HttpContext) {
    const list = parseListQuery(request.qs(), spec)
    const scope = (list.filters.scope ?? 'mine') as (typeof SCOPES)[number]
    const query = purchaseService().scopedQuery(auth.use('api').getUserOrFail(), scope)
    return paginate(query, list, spec, (row: any) =>
      purchaseRequestToJSON({ ...normaliseRequest(row), platform_slug: row.platform_slug })
    )
  }

  async store({ auth, request, response }: HttpContext) {
    const payload = await request.validateUsing(createPurchaseValidator)
    const header = request.header('idempotency-key')?.trim()
    if (header && payload.idempotencyKey && header !== payload.idempotencyKey) {
      throw new apiErrors.E_VALIDATION(
        'The Idempotency-Key header and the body disagree',
        'idempotencyKey'
      )
    }
    const { request: created, replayed } = await purchaseService().create(
      auth.use('api').getUserOrFail(),
      {
        ...payload,
        idempotencyKey: header || payload.idempotencyKey || null,
        ip: request.ip(),
      }
    )
    if (replayed) response.header('idempotent-replayed', 'true')
    response.status(replayed ? 200 : 201)
    return { data: purchaseRequestToJSON(created) }
  }

  async show({ auth, params }: HttpContext) {
    const found = await purchaseService().show(auth.use('api').getUserOrFail(), Number(params.id))
    return {
      data: {
        ...purchaseRequestToJSON(found.request),
        order: found.order ? orderToJSON(found.order) : null,
        history: found.audit.map((row) => auditToJSON(row)),
      },
    }
  }

  async approve({ auth, params, request }: HttpContext) {
    const row = await purchaseService().approve(
      auth.use('api').getUserOrFail(),
      Number(params.id),
      request.ip()
    )
    return { data: purchaseRequestToJSON(row) }
  }

  async reject({ auth, params, request }: HttpContext) {
    const { reason } = await request.validateUsing(rejectPurchaseValidator)
    const row = await purchaseService().reject(
      auth.use('api').getUserOrFail(),
      Number(params.id),
      reason,
      request.ip()
    )
    return { data: purchaseRequestToJSON(row) }
  }

  async cancel({ auth, params, request }: HttpContext) {
    const row = await purchaseService().cancel(
      auth.use('api').getUserOrFail(),
      Number(params.id),
      request.ip()
    )
    return { data: purchaseRequestToJSON(row) }
  }
}
