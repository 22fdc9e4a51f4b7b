/**
 * Alerts worth reading: a rule's matches on one event within a short window
 * become one alert that is updated ("3 new listings under $150 — best $41,
 * section 203") instead of one alert per listing; a rule's optional minimum
 * deal score drops the listings it does not want; its optional hourly cap
 * folds further matches into its latest alert instead of raising new ones,
 * and those held-back matches go out in the user's next digest (one low-
 * priority notification per rule and check batch, delivered in digest mode:
 * see `notifyHeldBack`), never as an interruption of their own.
 *
 * `planAlertGroups` is the pure core (data in, plan out, `now` passed in);
 * `groupAlerts` is the thin shell that loads what the core needs, applies
 * the updates, and returns the matches that become new alerts — the one
 * call the alert service makes before inserting.
 */
import db from '@adonisjs/lucid/services/db'
import type { Match } from '#alerts/rule_engine'
import { publishToUser } from '#monitoring/live_feed'

/** Matches of one rule on one event within this window share one alert. */
export const GROUP_WINDOW_MS = 15 * 60_000
const HOUR_MS = 3_600_000

export interface GroupSummary {
  /** Listings (or price moves) in this alert */
  count: number
  listingIds: number[]
  bestPriceMinor: number | null
  bestSection: string | null
  currency: string | null
  /** Matches folded in because the rule's hourly cap was reached */
  folded: number
  /** "3 new listings under $150 — best $41, section 203" */
  summary: string
}

export interface OpenGroup {
  alertId: number
  ruleId: number
  eventId: number
  createdAt: number
  group: GroupSummary
}

export interface RuleLimits {
  minDealScore: number | null
  maxAlertsPerHour: number | null
  maxPriceMinor: number | null
  /** Rules that buy on their own see every match: never grouped */
  autoPurchase: boolean
}

export interface GroupingInput {
  matches: readonly Match[]
  now: number
  windowMs?: number
  limits: ReadonlyMap<number, RuleLimits>
  /** The latest listing alert of each `${ruleId}:${eventId}` (any age) */
  latest: ReadonlyMap<string, OpenGroup>
  /** The latest listing alert of each rule on any event, for folding over the cap */
  latestOfRule: ReadonlyMap<number, OpenGroup>
  /** Alerts each rule raised in the hour before `now` */
  firedLastHour: ReadonlyMap<number, number>
  /** Deal score (0–100) of a listing; missing or null: unknown */
  dealScores: ReadonlyMap<number, number | null>
  sections: ReadonlyMap<number, string | null>
}

export interface GroupingPlan {
  /** New alerts: the first match of each new group, its reason carrying the group */
  create: Match[]
  /** Existing alerts to rewrite with their grown group */
  update: Array<{ alertId: number; userId: number; group: GroupSummary; best: Match }>
  /** Left out: below the rule's minimum deal score */
  belowScore: Match[]
  /** Folded into an existing alert because the rule's hourly cap was reached: for the next digest */
  heldBack: Match[]
}

function money(minor: number | null, currency: string | null) {
  if (minor === null) return null
  const code = currency && /^[A-Z]{3}$/.test(currency) ? currency : 'USD'
  try {
    return new Intl.NumberFormat('en', {
      style: 'currency',
      currency: code,
      maximumFractionDigits: minor % 100 === 0 ? 0 : 2,
    }).format(minor / 100)
  } catch {
    return `${(minor / 100).toFixed(2)} ${code}`
  }
}

const NOUNS: Record<string, [string, string]> = {
  available: ['new listing', 'new listings'],
  back_in_stock: ['listing back in stock', 'listings back in stock'],
  price_drop: ['price drop', 'price drops'],
  lowest_in_days: ['new low', 'new lows'],
  bottom_percentile: ['listing among the cheapest', 'listings among the cheapest'],
  seats_together: ['block of seats together', 'blocks of seats together'],
}

export function summarize(
  group: Omit<GroupSummary, 'summary'>,
  condition: string,
  capMinor: number | null
): string {
  const [one, many] = NOUNS[condition] ?? ['match', 'matches']
  const under = capMinor !== null ? ` under ${money(capMinor, group.currency)}` : ''
  const best = money(group.bestPriceMinor, group.currency)
  const where = group.bestSection ? `, section ${group.bestSection}` : ''
  const folded = group.folded ? ` (${group.folded} more held back: hourly limit)` : ''
  return `${group.count} ${group.count === 1 ? one : many}${under}${
    best ? ` — ${group.count === 1 ? '' : 'best '}${best}${where}` : ''
  }${folded}`
}

function better(price: number | null, than: number | null) {
  return price !== null && (than === null || price < than)
}

export function planAlertGroups(input: GroupingInput): GroupingPlan {
  const windowMs = input.windowMs ?? GROUP_WINDOW_MS
  const plan: GroupingPlan = { create: [], update: [], belowScore: [], heldBack: [] }
  const fired = new Map(input.firedLastHour)
  /** Groups touched in this batch, by `${rule}:${event}`: new ones (index into create) or existing */
  const touched = new Map<
    string,
    | { kind: 'new'; match: Match; best: Match; group: GroupSummary }
    | { kind: 'open'; open: OpenGroup }
  >()
  const updates = new Map<number, { open: OpenGroup; best: Match; userId: number }>()

  /** 'seen': the listing is in the group already (a replayed batch adds nothing twice) */
  const grow = (
    group: GroupSummary,
    match: Match,
    folded: boolean
  ): 'seen' | 'added' | 'better' => {
    if (match.listingId !== null && group.listingIds.includes(match.listingId)) return 'seen'
    if (match.listingId !== null) group.listingIds.push(match.listingId)
    if (folded) group.folded++
    else group.count++
    if (better(match.priceMinor, group.bestPriceMinor)) {
      group.bestPriceMinor = match.priceMinor
      group.bestSection =
        match.listingId === null ? null : (input.sections.get(match.listingId) ?? null)
      group.currency = match.currency ?? group.currency
      return 'better'
    }
    return 'added'
  }
  const withSummary = (group: GroupSummary, condition: string, limits?: RuleLimits) => {
    group.summary = summarize(group, condition, limits?.maxPriceMinor ?? null)
    return group
  }

  for (const match of input.matches) {
    const limits = input.limits.get(match.ruleId)
    /** Status and on-sale alerts (no listing) and auto-purchase rules pass as they are. */
    if (match.listingId === null || limits?.autoPurchase) {
      plan.create.push(match)
      continue
    }
    if (limits?.minDealScore !== null && limits?.minDealScore !== undefined) {
      const score = input.dealScores.get(match.listingId)
      if (score !== null && score !== undefined && score < limits.minDealScore) {
        plan.belowScore.push(match)
        continue
      }
    }
    const key = `${match.ruleId}:${match.eventId}`
    const current = touched.get(key)
    if (current?.kind === 'new') {
      if (grow(current.group, match, false) === 'better') current.best = match
      continue
    }
    const open = current?.kind === 'open' ? current.open : input.latest.get(key)
    if (open && input.now - open.createdAt < windowMs) {
      touched.set(key, { kind: 'open', open })
      const previous = updates.get(open.alertId)
      grow(open.group, match, false)
      updates.set(open.alertId, {
        open,
        userId: match.userId,
        best:
          previous && !better(match.priceMinor, previous.best.priceMinor) ? previous.best : match,
      })
      continue
    }
    /** A new group: within the rule's hourly cap, or folded into its latest alert. */
    const cap = limits?.maxAlertsPerHour ?? null
    const count = fired.get(match.ruleId) ?? 0
    if (cap !== null && count >= cap) {
      const target = open ?? input.latestOfRule.get(match.ruleId)
      if (target) {
        if (grow(target.group, match, true) !== 'seen') plan.heldBack.push(match)
        const previous = updates.get(target.alertId)
        updates.set(target.alertId, {
          open: target,
          userId: match.userId,
          best: previous?.best ?? match,
        })
        continue
      }
    }
    fired.set(match.ruleId, count + 1)
    const group: GroupSummary = {
      count: 0,
      listingIds: [],
      bestPriceMinor: null,
      bestSection: null,
      currency: match.currency,
      folded: 0,
      summary: '',
    }
    grow(group, match, false)
    touched.set(key, { kind: 'new', match, best: match, group })
  }

  for (const entry of touched.values()) {
    if (entry.kind !== 'new') continue
    const limits = input.limits.get(entry.match.ruleId)
    const group = withSummary(entry.group, entry.match.condition, limits)
    /** The alert points at the group's best listing: its price is the one shown. */
    plan.create.push({
      ...entry.best,
      reason: { ...entry.best.reason, summary: group.summary, group },
    })
  }
  for (const { open, best, userId } of updates.values()) {
    const condition = (open.group as any).condition ?? best.condition
    const group = withSummary(open.group, condition, input.limits.get(open.ruleId))
    plan.update.push({ alertId: open.alertId, userId, group, best })
  }
  return plan
}

function parseReason(value: unknown): Record<string, any> {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value)
    } catch {
      return {}
    }
  }
  return (value as Record<string, any>) ?? {}
}

function openGroupOf(row: any): OpenGroup {
  const reason = parseReason(row.reason)
  const stored = reason.group as Partial<GroupSummary> | undefined
  return {
    alertId: Number(row.id),
    ruleId: Number(row.watch_rule_id),
    eventId: Number(row.event_id),
    createdAt: new Date(row.created_at).getTime(),
    group: {
      count: stored?.count ?? 1,
      listingIds: stored?.listingIds ?? (row.listing_id === null ? [] : [Number(row.listing_id)]),
      bestPriceMinor: stored?.bestPriceMinor ?? row.price_minor ?? null,
      bestSection: stored?.bestSection ?? null,
      currency: stored?.currency ?? row.currency ?? null,
      folded: stored?.folded ?? 0,
      summary: stored?.summary ?? '',
      ...({ condition: row.condition } as object),
    },
  }
}

/**
 * The shell: loads the rules' limits, their recent alerts, deal scores and
 * sections; rewrites the alerts whose group grew (and tells open pages);
 * returns the matches to insert as new alerts.
 */
export async function groupAlerts(matches: Match[], detectedAt: Date): Promise<Match[]> {
  if (matches.length === 0) return matches
  const now = detectedAt.getTime()
  const ruleIds = [...new Set(matches.map((match) => match.ruleId))]
  const listingIds = [
    ...new Set(matches.map((match) => match.listingId).filter((id): id is number => id !== null)),
  ]
  const [rules, recent, lastHour, sections] = await Promise.all([
    db
      .from('watch_rules')
      .whereIn('id', ruleIds)
      .select('id', 'min_deal_score', 'max_alerts_per_hour', 'max_price_minor', 'auto_purchase'),
    db
      .from('alerts')
      .whereIn('watch_rule_id', ruleIds)
      .whereNotNull('listing_id')
      .orderBy('id', 'desc')
      .limit(ruleIds.length * 20)
      .select(
        'id',
        'watch_rule_id',
        'event_id',
        'listing_id',
        'condition',
        'price_minor',
        'currency',
        'reason',
        'created_at'
      ),
    db
      .from('alerts')
      .whereIn('watch_rule_id', ruleIds)
      .where('created_at', '>=', new Date(now - HOUR_MS))
      .groupBy('watch_rule_id')
      .select('watch_rule_id')
      .count('* as total'),
    listingIds.length
      ? db.from('listings').whereIn('id', listingIds).select('id', 'section')
      : Promise.resolve([]),
  ])
  const limits = new Map<number, RuleLimits>(
    rules.map((row: any) => [
      Number(row.id),
      {
        minDealScore: row.min_deal_score === null ? null : Number(row.min_deal_score),
        maxAlertsPerHour: row.max_alerts_per_hour === null ? null : Number(row.max_alerts_per_hour),
        maxPriceMinor: row.max_price_minor === null ? null : Number(row.max_price_minor),
        autoPurchase: Boolean(row.auto_purchase),
      },
    ])
  )
  const latest = new Map<string, OpenGroup>()
  const latestOfRule = new Map<number, OpenGroup>()
  for (const row of recent) {
    const key = `${row.watch_rule_id}:${row.event_id}`
    if (!latest.has(key)) latest.set(key, openGroupOf(row))
    if (!latestOfRule.has(Number(row.watch_rule_id)))
      latestOfRule.set(Number(row.watch_rule_id), latest.get(key)!)
  }
  const dealScores = new Map<number, number | null>()
  const scored = matches.filter(
    (match) =>
      match.listingId !== null &&
      limits.get(match.ruleId)?.minDealScore !== null &&
      limits.get(match.ruleId)?.minDealScore !== undefined
  )
  if (scored.length) {
    const { default: AnalyticsQueries } = await import('#analytics/analytics_queries')
    const scores = await new AnalyticsQueries().dealScoresFor(
      scored.map((match) => ({
        id: match.listingId!,
        eventId: match.eventId,
        listingId: match.listingId,
        priceMinor: match.priceMinor,
      })),
      detectedAt
    )
    for (const [listingId, score] of scores) dealScores.set(listingId, score.score)
  }
  const plan = planAlertGroups({
    matches,
    now,
    limits,
    latest,
    latestOfRule,
    firedLastHour: new Map(
      lastHour.map((row: any) => [Number(row.watch_rule_id), Number(row.total)])
    ),
    dealScores,
    sections: new Map(sections.map((row: any) => [Number(row.id), row.section ?? null])),
  })

  for (const update of plan.update) {
    const row = await db.from('alerts').where('id', update.alertId).first()
    if (!row) continue
    const reason = {
      ...parseReason(row.reason),
      summary: update.group.summary,
      group: update.group,
    }
    delete (reason.group as any).condition
    const patch: Record<string, unknown> = { reason: JSON.stringify(reason) }
    if (
      update.group.bestPriceMinor !== null &&
      update.group.bestPriceMinor === update.best.priceMinor
    ) {
      patch.price_minor = update.best.priceMinor
      patch.listing_id = update.best.listingId
    }
    await db.from('alerts').where('id', update.alertId).update(patch)
    publishToUser(update.userId, {
      kind: 'alert_updated',
      alert: {
        id: update.alertId,
        summary: update.group.summary,
        count: update.group.count,
        price:
          update.group.bestPriceMinor === null
            ? null
            : { amountMinor: update.group.bestPriceMinor, currency: update.group.currency },
      },
    } as any)
  }
  if (plan.heldBack.length) {
    const { notifyHeldBack } = await import('#notifications/alert_notifications')
    await notifyHeldBack(plan.heldBack, detectedAt)
  }
  return plan.create
}
