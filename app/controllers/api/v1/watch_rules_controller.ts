import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import WatchRuleService from '#alerts/watch_rule_service'
import WatchRuleTransformer from '#transformers/watch_rule_transformer'
import { watchRuleValidator } from '#validators/watch_rule_validator'
import { apiErrors } from '#exceptions/catalogue'
import db from '@adonisjs/lucid/services/db'
import WatchRule from '#models/watch_rule'
import { paginate, parseListQuery, type ListSpec } from '#api/pagination'

const spec: ListSpec = {
  sorts: { id: { column: 'id' }, name: { column: 'name' }, createdAt: { column: 'created_at' } },
  defaultSort: 'id',
  enums: { enabled: ['true', 'false'] },
  filters: {
    enabled: (query, value) => query.where('enabled', value === 'true'),
    eventId: (query, value) => {
      if (!/^\d{1,9}$/.test(value))
        throw new apiErrors.E_VALIDATION('"eventId" must be a whole number', 'eventId')
      query.where('event_id', Number(value))
    },
  },
}

@inject()
export default class WatchRulesController {
  constructor(private rules: WatchRuleService) {}

  private writer(ctx: HttpContext) {
    const user = ctx.auth.use('api').getUserOrFail()
    if (!user.hasRoleAtLeast('member'))
      throw new apiErrors.E_FORBIDDEN('Viewers cannot change rules')
    return user
  }

  async index({ auth, request }: HttpContext) {
    const list = parseListQuery(request.qs(), spec)
    const query = db.from('watch_rules').where('user_id', auth.use('api').getUserOrFail().id)
    return paginate(query, list, spec, (row: any) =>
      WatchRuleTransformer.toJSON(WatchRule.$createFromAdapterResult(row)!)
    )
  }

  async show({ auth, params }: HttpContext) {
    return {
      data: WatchRuleTransformer.toJSON(
        await this.rules.find(auth.use('api').getUserOrFail(), Number(params.id))
      ),
    }
  }

  async store(ctx: HttpContext) {
    const user = this.writer(ctx)
    const payload = await ctx.request.validateUsing(watchRuleValidator)
    const rule = await this.rules.create(user, payload)
    return ctx.response.status(201).send({ data: WatchRuleTransformer.toJSON(rule) })
  }

  async update(ctx: HttpContext) {
    const user = this.writer(ctx)
    const payload = await ctx.request.validateUsing(watchRuleValidator)
    const rule = await this.rules.update(user, Number(ctx.params.id), payload)
    return { data: WatchRuleTransformer.toJSON(rule) }
  }

  async destroy(ctx: HttpContext) {
    await this.rules.destroy(this.writer(ctx), Number(ctx.params.id))
    return ctx.response.noContent()
  }

  async preview({ auth, request }: HttpContext) {
    const payload = await request.validateUsing(watchRuleValidator)
    return { data: await this.rules.preview(auth.use('api').getUserOrFail(), payload) }
  }
}
