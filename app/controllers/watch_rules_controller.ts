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
    const user = auth.getUserOrFail()
    const rules = await this.rules.list(user)
    const stats = await this.rules.listStats(user, rules)
    return inertia.render('watch_rules/index', {
      rules: rules.map((rule) => ({
        ...WatchRuleTransformer.toJSON(rule),
        ...stats.get(rule.id)!,
      })),
    })
  }

  async create({ inertia, request, auth }: HttpContext) {
    return inertia.render('watch_rules/form', {
      rule: null,
      ...(await this.formData(auth.getUserOrFail().id, Number(request.input('eventId')) || null)),
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
      ...(await this.formData(rule.userId, rule.eventId)),
    })
  }

  async update({ params, request, auth, bouncer, response, session }: HttpContext) {
    await bouncer.authorize('writeOwnData')
    const payload = await request.validateUsing(watchRuleValidator)
    await this.rules.update(auth.getUserOrFail(), Number(params.id), payload)
    session.flash('success', 'Rule saved.')
    return response.redirect('/watch-rules')
  }

  /** Pause or resume: the rule stays as it is, it only stops (or starts again) alerting. */
  async toggle({ params, request, auth, bouncer, response, session }: HttpContext) {
    await bouncer.authorize('writeOwnData')
    const enabled = request.input('enabled') === true || request.input('enabled') === 'true'
    const rule = await this.rules.setEnabled(auth.getUserOrFail(), Number(params.id), enabled)
    session.flash('success', enabled ? `Resumed: ${rule.name}.` : `Paused: ${rule.name}.`)
    return response.redirect().back()
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

  private async formData(userId: number, eventId: number | null) {
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
      /** The user's own channels, for the rule's channel choice (in-app is always on). */
      channels: (
        await db
          .from('notification_channels')
          .where('user_id', userId)
          .whereNot('kind', 'inapp')
          .orderBy('id')
          .select('id', 'kind', 'name', 'disabled_at')
      ).map((row) => ({
        id: Number(row.id),
        kind: row.kind,
        name: row.name,
        disabled: row.disabled_at !== null,
      })),
      defaultEventId: eventId,
    }
  }
}
