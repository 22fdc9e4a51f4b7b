import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import vine from '@vinejs/vine'
import { apiErrors } from '#exceptions/catalogue'
import SourceService from '#monitoring/source_service'
import { paginate, parseListQuery } from '#api/pagination'
import {
  findScraper,
  scheduleSpec,
  scraperListSpec,
  scraperQuery,
  scraperToJSON,
} from '#api/lists/scrapers'

const pauseValidator = vine.create({ reason: vine.string().trim().maxLength(300).optional() })

/** /api/v1/scrapers — sources: status, schedule; pause, resume and check now for managers. */
@inject()
export default class ScrapersController {
  constructor(private sources: SourceService) {}

  private operator(ctx: HttpContext) {
    const user = ctx.auth.use('api').getUserOrFail()
    if (!user.hasRoleAtLeast('manager'))
      throw new apiErrors.E_FORBIDDEN('This needs the manager role or higher')
    return user
  }

  private id(ctx: HttpContext) {
    if (!/^\d{1,9}$/.test(ctx.params.id)) throw new apiErrors.E_NOT_FOUND('No such source')
    return Number(ctx.params.id)
  }

  async index({ request }: HttpContext) {
    const list = parseListQuery(request.qs(), scraperListSpec)
    return paginate(scraperQuery(), list, scraperListSpec, scraperToJSON)
  }

  async schedule({ request }: HttpContext) {
    const list = parseListQuery(request.qs(), scheduleSpec)
    return paginate(
      scraperQuery().where('event_sources.state', 'active'),
      list,
      scheduleSpec,
      scraperToJSON
    )
  }

  async show(ctx: HttpContext) {
    return { data: await findScraper(this.id(ctx)) }
  }

  async pause(ctx: HttpContext) {
    const user = this.operator(ctx)
    const { reason } = await ctx.request.validateUsing(pauseValidator)
    await this.sources.pause(user, this.id(ctx), reason ?? null)
    return { data: await findScraper(this.id(ctx)) }
  }

  async resume(ctx: HttpContext) {
    await this.sources.resume(this.operator(ctx), this.id(ctx))
    return { data: await findScraper(this.id(ctx)) }
  }

  async check(ctx: HttpContext) {
    await this.sources.checkNow(this.operator(ctx), this.id(ctx))
    return ctx.response.status(202).send({ data: { queued: true } })
  }
}
