import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import WatchRuleService from '#alerts/watch_rule_service'
import WatchRuleTransformer from '#transformers/watch_rule_transformer'
import { watchRuleValidator } from '#validators/watch_rule_validator'
import db from '@adonisjs/lucid/services/db'

@inject()
export default class WatchRulesController {
  constructor(private rules: WatchRuleService) {}

  async index({ inertia, auth }: HttpContext) {
    const rules = await this.rules.list(auth.getUserOrFail())
    return inertia.render('watch_rules/index', {
      rules: rules.map((rule) => WatchRuleTransformer.toJSON(rule)),
    })
  }

  async create({ inertia, request }: HttpContext) {
    return inertia.render('watch_rules/form', {
      rule: null,
      ...(await this.formData(Number(request.input('eventId')) || null)),
    })
  }

  async store({ request, auth, bouncer, response, session }: HttpContext) {
    await bouncer.authorize('writeOwnData')
    const payload = await request.validateUsing(watchRuleValidator)
    const rule = await this.rules.create(auth.getUserOrFail(), payload)
    session.flash('success', `Watching: ${rule.name}.`)
    return response.redirect('/watch-rules')
  }

  async edit({ params, inertia, auth }: HttpContext) {
    const rule = await this.rules.find(auth.getUserOrFail(), Number(params.id))
    return inertia.render('watch_rules/form', {
      rule: WatchRuleTransformer.toJSON(rule),
      ...(await this.formData(rule.eventId)),
    })
  }

  async update({ params, request, auth, bouncer, response, session }: HttpContext) {
    await bouncer.authorize('writeOwnData')
    const payload = await request.validateUsing(watchRuleValidator)
    await this.rules.update(auth.getUserOrFail(), Number(params.id), payload)
    session.flash('success', 'Rule saved.')
    return response.redirect('/watch-rules')
  }

  async destroy({ params, auth, bouncer, response, session }: HttpContext) {
    await bouncer.authorize('writeOwnData')
    await this.rules.destroy(auth.getUserOrFail(), Number(params.id))
    session.flash('success', 'Rule deleted.')
    return response.redirect('/watch-rules')
  }

  /** Live preview and backtest of an unsaved rule (JSON, for the form). */
  async preview({ request, auth, response }: HttpContext) {
    const payload = await request.validateUsing(watchRuleValidator)
    return response.send(await this.rules.preview(auth.getUserOrFail(), payload))
  }

  private async formData(eventId: number | null) {
    const events = await db
      .from('events')
      .whereNull('archived_at')
      .orderBy('starts_at', 'asc')
      .limit(300)
      .select('id', 'name', 'starts_at')
    const platforms = await db
      .from('platforms')
      .where('enabled', true)
      .orderBy('name')
      .select('slug', 'name')
    return {
      events: events.map((event) => ({
        id: event.id,
        name: event.name,
        startsAt: event.starts_at ? new Date(event.starts_at).toISOString() : null,
      })),
      platforms,
      defaultEventId: eventId,
    }
  }
}
