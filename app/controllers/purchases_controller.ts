import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { purchaseService } from '#purchasing/settings'
import PurchaseAssistService from '#purchasing/purchase_assist'
import BudgetService from '#purchasing/budgets'
import { accountSuccessRates, platformSuccessRates } from '#purchasing/success_rates'
import { auditToJSON, orderToJSON, purchaseRequestToJSON } from '#purchasing/purchase_transformer'
import { purchaseDetails } from '#purchasing/purchase_details'
import {
  budgetValidator,
  createPurchaseValidator,
  listPurchasesValidator,
  manualPurchaseValidator,
  rejectPurchaseValidator,
} from '#validators/purchase_validator'

/** Orders that succeeded out of those that ended, or null before the first one. */
function observedRate(succeeded: number, failed: number) {
  return succeeded + failed === 0 ? null : succeeded / (succeeded + failed)
}

/**
 * Purchases pages: requests awaiting approval, history with filters, one
 * request with its order and audit trail, purchase assist, manual purchases,
 * budgets. Each action: validate → one service call (which authorizes) → render/redirect.
 */
@inject()
export default class PurchasesController {
  constructor(
    private purchaseAssist: PurchaseAssistService,
    private budgets: BudgetService
  ) {}

  async index({ inertia, auth, request }: HttpContext) {
    const user = auth.getUserOrFail()
    const filters = await listPurchasesValidator.validate(request.qs())
    const service = purchaseService()
    /**
     * Every promise of the Promise.all is created inside it, with nothing
     * awaited while building the array: a refused list (scope=all below
     * manager) used to reject before Promise.all had attached its handler.
     */
    const [awaiting, history, platforms, accounts] = await Promise.all([
      service.list(user, { scope: 'awaiting', perPage: 100 }),
      service.list(user, { ...filters, scope: filters.scope ?? 'mine' }),
      platformSuccessRates(),
      db
        .from('accounts')
        .where('user_id', user.id)
        .select('id')
        .then((rows) => accountSuccessRates({ ids: rows.map((row) => Number(row.id)) })),
    ])
    const details = await purchaseDetails([...awaiting.data, ...history.data])
    const platformNames = new Map(
      (await db.from('platforms').select('id', 'name')).map((row) => [Number(row.id), row.name])
    )
    return inertia.render('purchases/index', {
      awaiting: awaiting.data.map((row) => ({
        ...purchaseRequestToJSON(row),
        details: details.get(row.id)!,
      })),
      history: history.data.map((row) => ({
        ...purchaseRequestToJSON(row),
        details: details.get(row.id)!,
      })),
      meta: history.meta,
      filters: {
        ...filters,
        from: filters.from?.toISOString() ?? null,
        to: filters.to?.toISOString() ?? null,
      },
      successRates: {
        /**
         * The share shown to people is the plain one (2 ok, 0 failed: 100 %);
         * the smoothed rate that ranks offers stays inside offer selection.
         */
        platforms: platforms.map(({ id, succeeded, failed }) => ({
          platformId: id,
          platformName: platformNames.get(id) ?? `Platform ${id}`,
          succeeded,
          failed,
          rate: observedRate(succeeded, failed),
        })),
        accounts: accounts.map(({ id, succeeded, failed }) => ({
          accountId: id,
          succeeded,
          failed,
          rate: observedRate(succeeded, failed),
        })),
      },
      canApproveOthers: user.hasRoleAtLeast('manager'),
    })
  }

  async show({ inertia, auth, params }: HttpContext) {
    const found = await purchaseService().show(auth.getUserOrFail(), Number(params.id))
    const details = await purchaseDetails([found.request])
    return inertia.render('purchases/show', {
      request: { ...purchaseRequestToJSON(found.request), details: details.get(found.request.id)! },
      order: found.order ? orderToJSON(found.order) : null,
      history: found.audit.map((row) => auditToJSON(row)),
    })
  }

  async store({ auth, request, response, session }: HttpContext) {
    const payload = await request.validateUsing(createPurchaseValidator)
    const { request: created } = await purchaseService().create(auth.getUserOrFail(), {
      ...payload,
      ip: request.ip(),
    })
    session.flash(
      'success',
      created.status === 'approved'
        ? 'Approved by your rule; the order is being placed.'
        : 'Purchase request created: approve it to place the order.'
    )
    return response.redirect(`/purchases/${created.id}`)
  }

  async approve({ auth, params, request, response, session }: HttpContext) {
    await purchaseService().approve(auth.getUserOrFail(), Number(params.id), request.ip())
    session.flash('success', 'Approved: the order is being placed.')
    return response.redirect().back()
  }

  async reject({ auth, params, request, response, session }: HttpContext) {
    const { reason } = await request.validateUsing(rejectPurchaseValidator)
    await purchaseService().reject(auth.getUserOrFail(), Number(params.id), reason, request.ip())
    session.flash('success', 'Request rejected.')
    return response.redirect().back()
  }

  async cancel({ auth, params, request, response, session }: HttpContext) {
    await purchaseService().cancel(auth.getUserOrFail(), Number(params.id), request.ip())
    session.flash('success', 'Request cancelled.')
    return response.redirect().back()
  }

  /** Purchase assist: off to the platform's own event page. */
  async assist({ auth, params, response }: HttpContext) {
    const link = await this.purchaseAssist.assist(
      auth.getUserOrFail(),
      Number(params.eventId),
      String(params.platform)
    )
    return response.redirect().toPath(link.url)
  }

  async recordManual({ auth, request, response, session }: HttpContext) {
    const payload = await request.validateUsing(manualPurchaseValidator)
    await this.purchaseAssist.recordManualPurchase(auth.getUserOrFail(), {
      ...payload,
      ip: request.ip(),
    })
    session.flash('success', 'Purchase recorded.')
    return response.redirect('/purchases')
  }

  async budget({ inertia, auth }: HttpContext) {
    return inertia.render('purchases/budget', {
      budget: await this.budgets.show(auth.getUserOrFail()),
    })
  }

  async updateBudget({ auth, request, response, session }: HttpContext) {
    const payload = await request.validateUsing(budgetValidator)
    await this.budgets.update(auth.getUserOrFail(), payload, request.ip())
    session.flash('success', 'Budget saved.')
    return response.redirect().back()
  }
}
