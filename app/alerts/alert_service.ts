/**
 * From a check that changed something to alerts: only the rules watching
 * that event are evaluated (event-bound rules by id, filter rules by their
 * filters); matches become alerts, de-duplicated by the database's unique
 * key (rule + listing + condition + cooldown window), and each new alert is
 * pushed to its user's live channel.
 */
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import WatchRule from '#models/watch_rule'
import type { ListingChangeRow } from '#monitoring/market_diff'
import {
  compileRule,
  evaluateRule,
  watchesEvent,
  type CompiledRule,
  type EventView,
  type ListingView,
  type Match,
} from '#alerts/rule_engine'
import { toSpec, listingView } from '#alerts/rule_inputs'
import { publishToUser } from '#monitoring/live_feed'
import PriceHistory from '#alerts/price_history'
import { groupAlerts } from '#alerts/alert_grouping'
import { openRequestsFromAlerts } from '#purchasing/from_alerts'
import { notifyAlerts, notifyPendingAlerts } from '#notifications/alert_notifications'

interface RuleCache {
  byEvent: Map<number, CompiledRule[]>
  byFilters: CompiledRule[]
  loadedAt: number
}

let cache: RuleCache | null = null
let loading: Promise<RuleCache> | null = null

async function rules(now: number): Promise<RuleCache> {
  if (cache && now - cache.loadedAt < 30_000) return cache
  loading ??= (async () => {
    const rows = await WatchRule.query().where('enabled', true)
    const next: RuleCache = { byEvent: new Map(), byFilters: [], loadedAt: now }
    for (const row of rows) {
      let compiled: CompiledRule
      try {
        compiled = compileRule(toSpec(row))
      } catch (error) {
        logger.warn(
          { ruleId: row.id },
          'skipping a rule that does not compile: %s',
          (error as Error).message
        )
        continue
      }
      if (row.eventId !== null) {
        const list = next.byEvent.get(row.eventId) ?? []
        list.push(compiled)
        next.byEvent.set(row.eventId, list)
      } else {
        next.byFilters.push(compiled)
      }
    }
    cache = next
    return next
  })().finally(() => {
    loading = null
  })
  return loading
}

/** After a rule is created, changed or deleted: the next check reloads them. */
export function forgetRuleCache() {
  cache = null
}

export interface CheckResult {
  eventId: number
  changes: readonly ListingChangeRow[]
  statusChanged: { from: string | null; to: string } | null
  /** When the check saw the change (the alert's detected_at) */
  detectedAt: Date
}

export async function evaluateAfterCheck(result: CheckResult): Promise<Match[]> {
  return evaluateChecks([result])
}

/**
 * Rules for a batch of checks: the events, their platforms, the changed
 * listings and the rules' earlier alerts are each read once for the whole
 * batch; matches are grouped and stored together (per detection time).
 */
export async function evaluateChecks(results: CheckResult[]): Promise<Match[]> {
  if (results.length === 0) return []
  const stored: Match[] = []
  const byTime = new Map<number, CheckResult[]>()
  for (const result of results) {
    const at = result.detectedAt.getTime()
    byTime.set(at, [...(byTime.get(at) ?? []), result])
  }
  for (const [at, group] of byTime) {
    const detectedAt = new Date(at)
    const matches = await matchChecks(group, detectedAt)
    if (matches.length === 0) continue
    stored.push(...(await storeAlerts(await groupAlerts(matches, detectedAt), detectedAt)))
  }
  return stored
}

async function matchChecks(results: CheckResult[], detectedAt: Date): Promise<Match[]> {
  const all = await rules(detectedAt.getTime())
  const withCandidates = results
    .map((result) => ({
      result,
      candidates: [...(all.byEvent.get(result.eventId) ?? []), ...all.byFilters],
    }))
    .filter((entry) => entry.candidates.length > 0)
  if (withCandidates.length === 0) return []

  const eventIds = [...new Set(withCandidates.map((entry) => entry.result.eventId))]
  const eventRows = new Map<number, any>()
  const platformsOf = new Map<number, string[]>()
  for (let offset = 0; offset < eventIds.length; offset += 500) {
    const chunk = eventIds.slice(offset, offset + 500)
    for (const row of await db.from('events').whereIn('id', chunk))
      eventRows.set(Number(row.id), row)
    const sourceRows = await db
      .from('event_sources')
      .join('platforms', 'platforms.id', 'event_sources.platform_id')
      .whereIn('event_sources.event_id', chunk)
      .select('event_sources.event_id', 'platforms.slug')
    for (const row of sourceRows) {
      const list = platformsOf.get(Number(row.event_id)) ?? []
      list.push(row.slug as string)
      platformsOf.set(Number(row.event_id), list)
    }
  }

  const plans = withCandidates.flatMap(({ result, candidates }) => {
    const eventRow = eventRows.get(result.eventId)
    if (!eventRow) return []
    const event: EventView = {
      id: eventRow.id,
      status: eventRow.status,
      startsAt: eventRow.starts_at ? new Date(eventRow.starts_at) : null,
      league: eventRow.league,
      homeTeam: eventRow.home_team,
      awayTeam: eventRow.away_team,
      venue: eventRow.venue,
    }
    const platforms = platformsOf.get(result.eventId) ?? []
    const watching = candidates.filter((compiled) => watchesEvent(compiled, event, platforms))
    if (watching.length === 0) return []
    const changedIds = [
      ...new Set(
        result.changes.map((change) => change.listingId).filter((id): id is number => id !== null)
      ),
    ]
    return [{ result, event, watching, changedIds }]
  })
  if (plans.length === 0) return []

  const allChanged = [...new Set(plans.flatMap((plan) => plan.changedIds))]
  const allRules = [
    ...new Set(plans.flatMap((plan) => plan.watching.map((compiled) => compiled.rule.id))),
  ]
  const listings = new Map<number, ListingView>()
  const lastAlertPrice = new Map<string, number | null>()
  for (let offset = 0; offset < allChanged.length; offset += 500) {
    const chunk = allChanged.slice(offset, offset + 500)
    const rows = await db
      .from('listings')
      .join('event_sources', 'event_sources.id', 'listings.event_source_id')
      .join('platforms', 'platforms.id', 'event_sources.platform_id')
      .whereIn('listings.id', chunk)
      .select('listings.*', 'platforms.slug as platform')
    for (const row of rows) listings.set(row.id, listingView(row))
    const previous = await db
      .from('alerts')
      .whereIn('watch_rule_id', allRules)
      .whereIn('listing_id', chunk)
      .orderBy('id', 'asc')
      .select('watch_rule_id', 'listing_id', 'condition', 'price_minor')
    for (const row of previous)
      lastAlertPrice.set(`${row.watch_rule_id}:${row.listing_id}:${row.condition}`, row.price_minor)
  }

  const matches: Match[] = []
  for (const { result, event, watching } of plans) {
    const history = await priceHistoryFor(result, watching)
    const context = {
      event,
      statusChanged: result.statusChanged,
      listings,
      changes: result.changes
        .filter((change) => change.listingId !== null)
        .map((change) => ({
          listingId: change.listingId!,
          kind: change.kind,
          oldPriceMinor: change.oldPriceMinor,
          newPriceMinor: change.newPriceMinor,
          reappeared: change.reappeared === true,
        })),
      history: {
        lowestInDays: (days: number) => history.lowestInDays(days, result.detectedAt.getTime()),
        rankOf: (price: number) => history.rankOf(price),
      },
      lastAlertPrice,
      now: result.detectedAt,
    }
    matches.push(...watching.flatMap((compiled) => evaluateRule(compiled, context)))
  }
  return matches
}

/** The event's price history, read only when a watching rule's trigger needs it. */
async function priceHistoryFor(result: CheckResult, watching: CompiledRule[]) {
  const needsHistory = watching.some((compiled) =>
    compiled.rule.triggers.some(
      (trigger) => trigger.kind === 'lowest_in_days' || trigger.kind === 'bottom_percentile'
    )
  )
  if (!needsHistory) return new PriceHistory()
  const days = Math.max(
    90,
    ...watching.flatMap((compiled) =>
      compiled.rule.triggers.map((trigger) =>
        trigger.kind === 'lowest_in_days' ? trigger.days : 0
      )
    )
  )
  const rows = await db
    .from('listing_changes')
    .where('event_id', result.eventId)
    .whereNotNull('new_price_minor')
    .whereNot('kind', 'gone')
    .where('observed_at', '>=', new Date(result.detectedAt.getTime() - days * 86_400_000))
    .where('observed_at', '<', result.detectedAt)
    .orderBy('observed_at', 'desc')
    .limit(20_000)
    .select('new_price_minor', 'observed_at')
  return new PriceHistory(
    rows.map((row) => ({
      at: new Date(row.observed_at).getTime(),
      price: Number(row.new_price_minor),
    }))
  )
}

/** Inserts the matches the database does not already hold (same de-dupe key) and pushes them live. */
async function storeAlerts(matches: Match[], detectedAt: Date): Promise<Match[]> {
  const keys = matches.map((match) => match.dedupeKey)
  const existing = new Set(
    (await db.from('alerts').whereIn('dedupe_key', keys).select('dedupe_key')).map(
      (row) => row.dedupe_key as string
    )
  )
  const fresh = matches.filter(
    (match, index) => !existing.has(match.dedupeKey) && keys.indexOf(match.dedupeKey) === index
  )
  if (fresh.length === 0) return []
  const createdAt = new Date()
  await db
    .table('alerts')
    .insert(
      fresh.map((match) => ({
        user_id: match.userId,
        watch_rule_id: match.ruleId,
        event_id: match.eventId,
        listing_id: match.listingId,
        type: match.type,
        condition: match.condition,
        dedupe_key: match.dedupeKey,
        price_minor: match.priceMinor,
        currency: match.currency,
        reason: JSON.stringify(match.reason),
        detected_at: detectedAt,
        created_at: createdAt,
      }))
    )
    .onConflict('dedupe_key')
    .ignore()
  const stored = await db.from('alerts').whereIn(
    'dedupe_key',
    fresh.map((match) => match.dedupeKey)
  )
  for (const row of stored) {
    publishToUser(row.user_id, {
      kind: 'alert',
      alert: {
        id: row.id,
        type: row.type,
        condition: row.condition,
        eventId: row.event_id,
        listingId: row.listing_id,
        price:
          row.price_minor === null
            ? null
            : { amountMinor: row.price_minor, currency: row.currency },
        reason: typeof row.reason === 'string' ? JSON.parse(row.reason) : row.reason,
        detectedAt: detectedAt.toISOString(),
      },
    })
  }
  return fresh
}

/** Evaluates one outbox row and removes it. */
export async function processOutbox(id: number) {
  return processOutboxes([id])
}

/**
 * Evaluates a batch's outbox rows (one per changed market) and removes
 * them: their alerts, the purchase requests they open, and their
 * notifications and deliveries are written for the whole batch at once.
 */
export async function processOutboxes(ids: number[]) {
  if (ids.length === 0) return []
  const rows = await db.from('alert_outbox').whereIn('id', ids).orderBy('id')
  if (rows.length === 0) return []
  const checks: CheckResult[] = []
  const evaluated: number[] = []
  for (const row of rows) {
    try {
      const payload = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload
      checks.push({
        eventId: row.event_id,
        changes: payload.changes,
        statusChanged: payload.statusChanged,
        detectedAt: new Date(row.detected_at),
      })
      evaluated.push(Number(row.id))
    } catch (error) {
      /** An unreadable row stays for an operator; the batch's other rows go on. */
      logger.error({ err: error, outboxId: row.id }, 'outbox row unreadable')
    }
  }
  const matches = await evaluateChecks(checks)
  if (matches.length > 0) {
    await openRequestsFromAlerts(matches)
    // Deliveries are stored (with alerts.notified_at) before the outbox rows go:
    // a worker killed in between leaves alerts the notification sweep picks up.
    const alertIds: number[] = []
    const keys = matches.map((match) => match.dedupeKey)
    for (let offset = 0; offset < keys.length; offset += 500) {
      const found = await db
        .from('alerts')
        .whereIn('dedupe_key', keys.slice(offset, offset + 500))
        .whereNull('notified_at')
        .select('id')
      alertIds.push(...found.map((alert) => Number(alert.id)))
    }
    await notifyAlerts(alertIds, new Date(), { inline: true })
  }
  if (evaluated.length > 0) await db.from('alert_outbox').whereIn('id', evaluated).delete()
  return matches
}

/**
 * Outbox rows older than `olderThanMs` belong to checks whose worker died
 * before evaluating: evaluate them now (alerts are de-duplicated, so a
 * row evaluated twice makes no second alert).
 */
export async function sweepOutbox(now = new Date(), olderThanMs = 30_000) {
  const stale = await db
    .from('alert_outbox')
    .where('detected_at', '<', new Date(now.getTime() - olderThanMs))
    .orderBy('id')
    .limit(200)
    .select('id')
  await processOutboxes(stale.map((row) => Number(row.id)))
  await notifyPendingAlerts({ olderThan: new Date(now.getTime() - olderThanMs), now })
  return stale.length
}
