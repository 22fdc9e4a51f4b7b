/**
 * Watch-rule matching. Pure: data in, data out, `now` passed in; no
 * database, clock or network. It runs after every check that changed
 * something, for the rules watching that event only, so it is written for
 * the hot path: rules are compiled once (section patterns to matchers), and
 * the no-match path allocates nothing.
 *
 * A rule says which events (one, or filters), a price cap per ticket (with
 * fees when the platform gives them and the rule asks), a minimum number of
 * seats together (honouring each listing's allowed splits), sections or zones
 * (patterns such as `1*`, `Floor ?` or ranges `101-120`), and triggers:
 *   available        a matching listing appeared or changed into a match
 *   back_in_stock    a matching listing came back after being gone
 *   price_drop       a matching listing's price fell by ≥ X % or below X
 *   lowest_in_days   a matching listing at the lowest price of the last N days
 *   bottom_percentile a matching listing in the bottom P % of the event's prices
 *   seats_together   a listing sells N seats together (one of its splits ≥ N)
 *   on_sale          the event went on sale
 *   status_change    the event's status changed
 * Hysteresis: a (rule, listing, condition) that already alerted alerts again
 * only if its price moved by at least `hysteresisMinor` since. Cooldown: the
 * de-duplication key carries the cooldown window, so the same rule, listing
 * and condition inside one window make one alert (the database refuses the
 * second).
 */

import { formatMinorUnits } from '#connectors/transport/money'
import { priceFor } from '#analytics/fees'

export type TriggerKind =
  | 'available'
  | 'back_in_stock'
  | 'price_drop'
  | 'lowest_in_days'
  | 'bottom_percentile'
  | 'seats_together'
  | 'on_sale'
  | 'status_change'

export type Trigger =
  | { kind: 'available' }
  | { kind: 'back_in_stock' }
  | { kind: 'price_drop'; percent?: number; belowMinor?: number }
  | { kind: 'lowest_in_days'; days: number }
  | { kind: 'bottom_percentile'; percent: number }
  | { kind: 'seats_together'; count: number }
  | { kind: 'on_sale' }
  | { kind: 'status_change' }

export interface RuleFilters {
  team?: string
  league?: string
  venue?: string
  from?: string
  to?: string
  platforms?: string[]
}

export interface RuleSpec {
  id: number
  userId: number
  eventId: number | null
  filters: RuleFilters
  maxPriceMinor: number | null
  currency: string | null
  includeFees: boolean
  minQuantity: number
  sections: string[]
  triggers: Trigger[]
  hysteresisMinor: number
  cooldownSeconds: number
}

export interface EventView {
  id: number
  status: string
  startsAt: Date | null
  league: string | null
  homeTeam: string | null
  awayTeam: string | null
  venue: string | null
}

export interface ListingView {
  id: number
  platform: string
  section: string | null
  row: string | null
  quantity: number
  splits: number[] | null
  priceMinor: number | null
  priceWithFeesMinor: number | null
  /** Per order, when the platform states it */
  deliveryFeeMinor?: number | null
  currency: string
  status: 'available' | 'gone'
}

export interface ChangeView {
  listingId: number
  kind: 'appeared' | 'price_changed' | 'quantity_changed' | 'gone'
  oldPriceMinor: number | null
  newPriceMinor: number | null
  /** appeared after having been gone (back in stock) */
  reappeared: boolean
}

export interface HistoryView {
  /** Lowest price (minor units) seen for the event in the last N days, before this check */
  lowestInDays(days: number): number | null
  /** Share of the event's historical prices strictly below `priceMinor` (0..1), null without history */
  rankOf(priceMinor: number): number | null
}

export interface MatchContext {
  event: EventView
  statusChanged: { from: string | null; to: string } | null
  listings: ReadonlyMap<number, ListingView>
  changes: readonly ChangeView[]
  history: HistoryView
  /** The last alerted price per `${ruleId}:${listingId}:${condition}` */
  lastAlertPrice: ReadonlyMap<string, number | null>
  now: Date
}

export interface Match {
  ruleId: number
  userId: number
  eventId: number
  listingId: number | null
  condition: TriggerKind
  type: 'ticket_available' | 'price_alert'
  priceMinor: number | null
  currency: string | null
  dedupeKey: string
  reason: { text: string; [figure: string]: unknown }
}

type SectionMatcher = (section: string) => boolean

export interface CompiledRule {
  rule: RuleSpec
  sections: SectionMatcher[]
  from: number | null
  to: number | null
}

const PATTERN = /^[\p{L}\p{N} .'_*?-]{1,40}$/u

/** Throws on a malformed section pattern (the validator reports it by field first). */
export function compileSectionPattern(pattern: string): SectionMatcher {
  const trimmed = pattern.trim()
  const range = trimmed.match(/^(\d{1,5})\s*-\s*(\d{1,5})$/)
  if (range) {
    const low = Number(range[1])
    const high = Number(range[2])
    if (low > high) throw new Error(`section range "${pattern}" runs backwards`)
    return (section) => {
      const number = Number(section.trim().match(/^\d+/)?.[0] ?? Number.NaN)
      return number >= low && number <= high
    }
  }
  if (!PATTERN.test(trimmed))
    throw new Error(
      `"${pattern}" is not a section pattern (letters, digits, spaces, * and ?, or a range like 101-120)`
    )
  const regex = new RegExp(
    `^${trimmed
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i'
  )
  return (section) => regex.test(section.trim())
}

export function compileRule(rule: RuleSpec): CompiledRule {
  return {
    rule,
    sections: rule.sections.map(compileSectionPattern),
    from: rule.filters.from ? Date.parse(rule.filters.from) : null,
    to: rule.filters.to ? Date.parse(rule.filters.to) : null,
  }
}

const same = (a: string | null | undefined, b: string | null | undefined) =>
  !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase()

/** Does the rule watch this event (one event, or the filters)? */
export function watchesEvent(
  compiled: CompiledRule,
  event: EventView,
  platforms: readonly string[] = []
): boolean {
  const { rule } = compiled
  if (rule.eventId !== null) return rule.eventId === event.id
  const filters = rule.filters
  if (filters.team && !same(filters.team, event.homeTeam) && !same(filters.team, event.awayTeam))
    return false
  if (filters.league && !same(filters.league, event.league)) return false
  if (filters.venue && !same(filters.venue, event.venue)) return false
  const starts = event.startsAt?.getTime() ?? null
  if (compiled.from !== null && (starts === null || starts < compiled.from)) return false
  if (compiled.to !== null && (starts === null || starts > compiled.to)) return false
  if (
    filters.platforms?.length &&
    !platforms.some((platform) => filters.platforms!.includes(platform))
  )
    return false
  return true
}

/** The largest purchasable quantity of a listing that is ≥ n, or null. */
export function buyableTogether(
  listing: Pick<ListingView, 'quantity' | 'splits'>,
  n: number
): number | null {
  if (listing.quantity < n) return null
  if (!listing.splits || listing.splits.length === 0) return listing.quantity >= n ? n : null
  let best: number | null = null
  for (const split of listing.splits) {
    if (split >= n && split <= listing.quantity && (best === null || split < best)) best = split
  }
  return best
}

/**
 * The price the rule compares, per ticket: all-in (fees, tax, and the
 * delivery charge per order spread over the tickets the rule asks for) when
 * the rule compares with fees and the platform states them; else the ticket
 * price before fees.
 */
export function comparablePrice(compiled: CompiledRule, listing: ListingView) {
  if (compiled.rule.includeFees && listing.priceWithFeesMinor !== null) {
    const n = buyableTogether(listing, compiled.rule.minQuantity) ?? compiled.rule.minQuantity
    return priceFor(listing, 'all_in', n)?.unitMinor ?? null
  }
  return listing.priceMinor
}

/** Whether the compared price has the fees in: said in every alert's text */
function feesNote(compiled: CompiledRule, listing: ListingView) {
  return compiled.rule.includeFees && listing.priceWithFeesMinor !== null
    ? ' all-in'
    : ' before fees'
}

/** Does a listing satisfy the rule's listing criteria (sections, cap, quantity, platform)? */
export function listingMatches(compiled: CompiledRule, listing: ListingView): boolean {
  const { rule } = compiled
  if (listing.status !== 'available') return false
  if (rule.filters.platforms?.length && !rule.filters.platforms.includes(listing.platform))
    return false
  if (compiled.sections.length) {
    if (!listing.section) return false
    let hit = false
    for (const matches of compiled.sections) if (matches(listing.section)) hit = true
    if (!hit) return false
  }
  if (buyableTogether(listing, rule.minQuantity) === null) return false
  if (rule.maxPriceMinor !== null) {
    const price = comparablePrice(compiled, listing)
    if (price === null) return false
    if (rule.currency && listing.currency !== rule.currency) return false
    if (price > rule.maxPriceMinor) return false
  }
  return true
}

/** A price for a reason text, in the currency's own decimals (never assumes cents). */
function money(minor: number | null, currency: string | null) {
  if (minor === null) return 'no price'
  return currency ? formatMinorUnits(minor, currency) : String(minor)
}

export function evaluateRule(compiled: CompiledRule, ctx: MatchContext): Match[] {
  const { rule } = compiled
  const matches: Match[] = []
  const windowMs = Math.max(1, rule.cooldownSeconds) * 1000
  const bucket = Math.floor(ctx.now.getTime() / windowMs)

  const push = (condition: TriggerKind, listing: ListingView | null, reason: Match['reason']) => {
    const price = listing ? comparablePrice(compiled, listing) : null
    const key = `${rule.id}:${listing?.id ?? 'event'}:${condition}`
    if (listing && ctx.lastAlertPrice.has(key)) {
      const last = ctx.lastAlertPrice.get(key)!
      if (price !== null && last !== null && Math.abs(price - last) < rule.hysteresisMinor) return
    }
    matches.push({
      ruleId: rule.id,
      userId: rule.userId,
      eventId: ctx.event.id,
      listingId: listing?.id ?? null,
      condition,
      type:
        condition === 'price_drop' ||
        condition === 'lowest_in_days' ||
        condition === 'bottom_percentile'
          ? 'price_alert'
          : 'ticket_available',
      priceMinor: price,
      currency: listing?.currency ?? null,
      dedupeKey: `${key}:${bucket}`,
      reason,
    })
  }

  for (const trigger of rule.triggers) {
    if (trigger.kind === 'on_sale') {
      if (ctx.statusChanged?.to === 'onsale')
        push('on_sale', null, {
          text: `${ctx.statusChanged.from ?? 'unknown'} → on sale`,
          from: ctx.statusChanged.from,
        })
      continue
    }
    if (trigger.kind === 'status_change') {
      if (ctx.statusChanged) {
        push('status_change', null, {
          text: `status ${ctx.statusChanged.from ?? 'unknown'} → ${ctx.statusChanged.to}`,
          ...ctx.statusChanged,
        })
      }
      continue
    }
    for (const change of ctx.changes) {
      if (change.kind === 'gone') continue
      const listing = ctx.listings.get(change.listingId)
      if (!listing || !listingMatches(compiled, listing)) continue
      const price = comparablePrice(compiled, listing)
      switch (trigger.kind) {
        case 'available':
          push('available', listing, {
            text: `section ${listing.section ?? '?'}, ${listing.quantity} tickets at ${money(price, listing.currency)}${feesNote(compiled, listing)}`,
            cap: rule.maxPriceMinor,
          })
          break
        case 'back_in_stock':
          if (change.kind === 'appeared' && change.reappeared) {
            push('back_in_stock', listing, {
              text: `back in stock at ${money(price, listing.currency)}${feesNote(compiled, listing)}`,
            })
          }
          break
        case 'price_drop': {
          if (
            change.kind !== 'price_changed' ||
            change.oldPriceMinor === null ||
            change.newPriceMinor === null
          )
            break
          if (change.newPriceMinor >= change.oldPriceMinor) break
          const dropPercent =
            ((change.oldPriceMinor - change.newPriceMinor) / change.oldPriceMinor) * 100
          const byPercent = trigger.percent !== undefined && dropPercent >= trigger.percent
          const below =
            trigger.belowMinor !== undefined && change.newPriceMinor < trigger.belowMinor
          if (byPercent || below) {
            push('price_drop', listing, {
              text: `${money(change.oldPriceMinor, listing.currency)} → ${money(change.newPriceMinor, listing.currency)} (−${dropPercent.toFixed(1)} %)`,
              oldPriceMinor: change.oldPriceMinor,
              newPriceMinor: change.newPriceMinor,
              dropPercent: Math.round(dropPercent * 10) / 10,
            })
          }
          break
        }
        case 'lowest_in_days': {
          if (price === null) break
          const lowest = ctx.history.lowestInDays(trigger.days)
          if (lowest === null || price < lowest) {
            push('lowest_in_days', listing, {
              text: `${money(price, listing.currency)}: lowest in ${trigger.days} days${lowest !== null ? ` (was ${money(lowest, listing.currency)})` : ''}`,
              previousLowestMinor: lowest,
              days: trigger.days,
            })
          }
          break
        }
        case 'bottom_percentile': {
          if (price === null) break
          const rank = ctx.history.rankOf(price)
          if (rank !== null && rank * 100 <= trigger.percent) {
            push('bottom_percentile', listing, {
              text: `${money(price, listing.currency)} is in the bottom ${trigger.percent} % of this event's prices`,
              rankPercent: Math.round(rank * 1000) / 10,
            })
          }
          break
        }
        case 'seats_together': {
          const together = buyableTogether(listing, trigger.count)
          if (together !== null) {
            push('seats_together', listing, {
              text: `${trigger.count} seats together in section ${listing.section ?? '?'} at ${money(price, listing.currency)}${feesNote(compiled, listing)}`,
              buyable: together,
            })
          }
          break
        }
      }
    }
  }
  return matches
}
