import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import WatchRuleService from '#alerts/watch_rule_service'
import WatchRuleTransformer from '#transformers/watch_rule_transformer'
import { watchRuleValidator } from '#validators/watch_rule_validator'
import ApiException from '#exceptions/api_exception'

@inject()
export default class WatchRulesController {
  constructor(private rules: WatchRuleService) {}

  private writer(ctx: HttpContext) {
    const user = ctx.auth.use('api').getUserOrFail()
    if (!user.hasRoleAtLeast('member')) throw new ApiException('E_FORBIDDEN', 'Viewers cannot change rules', 403)
    return user
  }

  async index({ auth }: HttpContext) {
    const rules = await this.rules.list(auth.use('api').getUserOrFail())
    return { data: rules.map((rule) => WatchRuleTransformer.toJSON(rule)) }
  }

  async show({ auth, params }: HttpContext) {
    return { data: WatchRuleTransformer.toJSON(await this.rules.find(auth.use('api').getUserOrFail(), Number(params.id))) }
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
