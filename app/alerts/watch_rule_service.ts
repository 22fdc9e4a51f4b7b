/**
 * Watch rules: a user's own (every query starts from the owner), validated
 * field by field — the schema in the validator, the cross-field facts here —
 * with a live preview ("matches N listings now") and a backtest on stored
 * history ("would have fired K times in the last 7 days, at these prices").
 */
import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import { publishToUser } from '#monitoring/live_feed'
import type { Infer } from '@vinejs/vine/types'
import type WatchRule from '#models/watch_rule'
import type User from '#models/user'
import { apiErrors } from '#exceptions/catalogue'
import type { watchRuleValidator } from '#validators/watch_rule_validator'
import { compileRule, listingMatches, type RuleSpec } from '#alerts/rule_engine'
import { backtest } from '#alerts/backtest'
import { forgetWatcherCounts } from '#monitoring/watcher_counts'
import { forgetRuleCache } from '#alerts/alert_service'
import { listingView } from '#alerts/rule_inputs'
import { isoTime } from '#purchasing/sql'

export type WatchRuleInput = Infer<typeof watchRuleValidator>

function refuse(field: string, message: string): never {
  throw new apiErrors.E_VALIDATION(message, field)
}

export default class WatchRuleService {
  /** Facts no single field shows: checked before anything is written. */
  async normalise(input: WatchRuleInput) {
    const filters = input.filters ?? {}
    const hasFilter = !!(
      filters.team ||
      filters.league ||
      filters.venue ||
      filters.from ||
      filters.to ||
      filters.platforms?.length
    )
    if (!input.eventId && !hasFilter)
      refuse(
        'eventId',
        'Choose an event, or at least one filter (team, league, venue, dates, platforms)'
      )
    if (input.eventId) {
      const event = await db.from('events').where('id', input.eventId).first()
      if (!event) refuse('eventId', `There is no event ${input.eventId}`)
    }
    if (filters.from && filters.to && filters.from > filters.to)
      refuse('filters.to', 'The date range runs backwards: "to" is before "from"')
    if (filters.platforms?.length) {
      const known = new Set((await db.from('platforms').select('slug')).map((row) => row.slug))
      const unknown = filters.platforms.filter((slug) => !known.has(slug))
      if (unknown.length) refuse('filters.platforms', `Unknown platform(s): ${unknown.join(', ')}`)
    }
    if (input.follow && (input.eventId || !(filters.team || filters.league || filters.venue))) {
      refuse(
        'follow',
        'Following needs a team, league or venue to search for (and no single event)'
      )
    }
    if (input.maxPriceMinor && !input.currency)
      refuse('currency', 'A price cap needs its currency (e.g. USD)')
    for (const [index, trigger] of input.triggers.entries()) {
      if (
        trigger.kind === 'price_drop' &&
        trigger.percent === undefined &&
        trigger.belowMinor === undefined
      ) {
        refuse(
          `triggers.${index}`,
          'A price-drop trigger needs a percentage or a price to fall below'
        )
      }
    }
    return {
      name: input.name,
      eventId: input.eventId ?? null,
      filters: {
        ...(filters.team ? { team: filters.team } : {}),
        ...(filters.league ? { league: filters.league } : {}),
        ...(filters.venue ? { venue: filters.venue } : {}),
        ...(filters.from ? { from: filters.from.toISOString() } : {}),
        ...(filters.to ? { to: filters.to.toISOString() } : {}),
        ...(filters.platforms?.length ? { platforms: filters.platforms } : {}),
      },
      maxPriceMinor: input.maxPriceMinor ?? null,
      currency: input.currency ?? null,
      includeFees: input.includeFees ?? false,
      minQuantity: input.minQuantity ?? 1,
      sections: input.sections ?? [],
      triggers: input.triggers,
      hysteresisMinor: input.hysteresisMinor ?? 0,
      cooldownSeconds: input.cooldownSeconds ?? 900,
      minDealScore: input.minDealScore ?? null,
      maxAlertsPerHour: input.maxAlertsPerHour ?? null,
      channels: input.channels ?? ['inapp'],
      importance: input.importance ?? 3,
      autoPurchase: input.autoPurchase ?? false,
      enabled: input.enabled ?? true,
      follow: input.follow ?? false,
    }
  }

  list(user: User) {
    return user.related('watchRules').query().orderBy('id', 'desc')
  }

  find(user: User, id: number) {
    return user.related('watchRules').query().where('id', id).firstOrFail()
  }

  async create(user: User, input: WatchRuleInput) {
    /** Unsaid: the rule compares the price the user chose to see (all-in unless they chose base) */
    const values = await this.normalise({
      ...input,
      includeFees: input.includeFees ?? user.priceMode !== 'base',
    })
    const rule = await user.related('watchRules').create(values)
    this.#changed(user)
    await this.#discoverSoon(rule)
    return rule
  }

  async update(user: User, id: number, input: WatchRuleInput) {
    const rule = await this.find(user, id)
    rule.merge(await this.normalise(input))
    await rule.save()
    this.#changed(user)
    await this.#discoverSoon(rule)
    return rule
  }

  /** Pause (no alerts, no checks on its behalf) or resume a rule, keeping everything else. */
  async setEnabled(user: User, id: number, enabled: boolean) {
    const rule = await this.find(user, id)
    rule.enabled = enabled
    await rule.save()
    this.#changed(user)
    if (enabled) await this.#discoverSoon(rule)
    return rule
  }

  /**
   * What the rules list shows beside each rule: the event's name, how many
   * alerts it raised and when it last fired. One grouped query for all.
   */
  async listStats(user: User, rules: WatchRule[]) {
    const ruleIds = rules.map((rule) => rule.id)
    const eventIds = [...new Set(rules.map((rule) => rule.eventId).filter((id) => id !== null))]
    const [counts, events] = await Promise.all([
      ruleIds.length
        ? db
            .from('alerts')
            .where('user_id', user.id)
            .whereIn('watch_rule_id', ruleIds)
            .groupBy('watch_rule_id')
            .select('watch_rule_id')
            .count('* as total')
            .max('created_at as last_at')
        : [],
      eventIds.length
        ? db
            .from('events')
            .whereIn('id', eventIds as number[])
            .select('id', 'name', 'starts_at')
        : [],
    ])
    const byRule = new Map(counts.map((row: any) => [Number(row.watch_rule_id), row]))
    const eventById = new Map(events.map((row: any) => [Number(row.id), row]))
    return new Map(
      rules.map((rule) => {
        const stats = byRule.get(rule.id)
        const event = rule.eventId === null ? undefined : eventById.get(rule.eventId)
        return [
          rule.id,
          {
            eventName: event?.name ?? null,
            eventStartsAt: event ? isoTime(event.starts_at) : null,
            alertCount: Number(stats?.total ?? 0),
            lastFiredAt: stats ? isoTime(stats.last_at) : null,
          },
        ]
      })
    )
  }

  async destroy(user: User, id: number) {
    const rule = await this.find(user, id)
    await rule.delete()
    this.#changed(user)
  }

  /** A new or changed follow rule is searched for now rather than at the next hourly run (its listener queues the search). */
  async #discoverSoon(rule: WatchRule) {
    if (!rule.follow || !rule.enabled) return
    await emitter.emit('watch_rule:following', { ruleId: rule.id })
  }

  #changed(user: User) {
    forgetWatcherCounts()
    forgetRuleCache()
    /** Their dashboard lists the events their rules watch (app/monitoring/dashboard_cache.ts) */
    publishToUser(user.id, { kind: 'watch_rules' })
  }

  /** How many listings available now the rule would match (no alert is created). */
  async preview(user: User, input: WatchRuleInput, days = 7, now = new Date()) {
    const values = await this.normalise(input)
    const spec: RuleSpec = {
      ...values,
      id: 0,
      userId: user.id,
      triggers: values.triggers as RuleSpec['triggers'],
    }
    const compiled = compileRule(spec)
    const events = await this.#eventsOf(spec)
    const rows = events.length
      ? await db
          .from('listings')
          .join('event_sources', 'event_sources.id', 'listings.event_source_id')
          .join('platforms', 'platforms.id', 'event_sources.platform_id')
          .whereIn('listings.event_id', events)
          .where('listings.status', 'available')
          .select('listings.*', 'platforms.slug as platform')
      : []
    let matching = 0
    for (const row of rows) {
      if (listingMatches(compiled, listingView(row))) matching++
    }
    const replay = await backtest(spec, events, new Date(now.getTime() - days * 86_400_000), now)
    return { events: events.length, matchingListings: matching, backtest: { days, ...replay } }
  }

  async #eventsOf(spec: RuleSpec) {
    if (spec.eventId !== null) return [spec.eventId]
    const query = db.from('events').whereNull('archived_at').select('id').limit(2000)
    const f = spec.filters
    if (f.team)
      query.where((q) =>
        q
          .whereRaw('lower(home_team) = ?', [f.team!.toLowerCase()])
          .orWhereRaw('lower(away_team) = ?', [f.team!.toLowerCase()])
      )
    if (f.league) query.whereRaw('lower(league) = ?', [f.league.toLowerCase()])
    if (f.venue) query.whereRaw('lower(venue) = ?', [f.venue.toLowerCase()])
    if (f.from) query.where('starts_at', '>=', new Date(f.from))
    if (f.to) query.where('starts_at', '<=', new Date(f.to))
    return (await query).map((row) => row.id as number)
  }
}
