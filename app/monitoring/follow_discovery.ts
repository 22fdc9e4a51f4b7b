/**
 * Follow rules: a user follows a team, league or venue (a watch rule with
 * `follow` on). Every hour, and right after such a rule is saved, this
 * searches each platform that can search (and that the rule allows) for the
 * followed name, and stores the upcoming events that match the rule's own
 * filter — nothing else found by the search is kept. A stored event is then
 * watched by the rule like any other: the planner schedules its checks and
 * the rule engine evaluates it after each change. When an event has passed,
 * ended or been cancelled its checks stop and it is archived
 * (check_market_service `stopChecking`), so following never grows the work
 * without bound.
 *
 * Rules following the same thing share one search per platform. A platform
 * with no usable credential is skipped quietly (it cannot search for anyone);
 * any other failure is kept on the rule (`last_discovery_error`) and the other
 * platforms and rules go on.
 */
import { DateTime } from 'luxon'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import type { NormalisedEvent } from '#connectors/contract'
import { CredentialRejected } from '#connectors/errors'
import { connectorRuntime } from '#connectors/runtime'
import WatchRule, { type WatchRuleFilters } from '#models/watch_rule'
import { discoverEvents } from '#monitoring/discovery_service'

export interface FollowDiscoveryResult {
  rules: number
  searches: number
  createdEvents: number
  linkedSources: number
  skippedPlatforms: string[]
  errors: Array<{ platform: string; query: string; message: string }>
}

type Followed = { kind: 'team' | 'league' | 'venue'; value: string }

const same = (a: string | null | undefined, b: string) =>
  !!a && a.trim().toLowerCase() === b.trim().toLowerCase()

/** What the search asks for: the most specific of team, venue, league. */
export function followedOf(filters: WatchRuleFilters): Followed | null {
  if (filters.team) return { kind: 'team', value: filters.team }
  if (filters.venue) return { kind: 'venue', value: filters.venue }
  if (filters.league) return { kind: 'league', value: filters.league }
  return null
}

/** Whether a found event is one the rule follows: every filter it sets, and not already over. */
export function followMatches(
  filters: WatchRuleFilters,
  event: NormalisedEvent,
  now: Date
): boolean {
  if (event.status === 'cancelled' || event.status === 'ended') return false
  if (filters.team && !same(event.homeTeam, filters.team) && !same(event.awayTeam, filters.team))
    return false
  if (filters.league && !same(event.league, filters.league)) return false
  if (filters.venue && !same(event.venue, filters.venue)) return false
  if (filters.platforms?.length && !filters.platforms.includes(event.platform)) return false
  if (event.startsAt) {
    const startsAt = Date.parse(event.startsAt)
    if (startsAt < now.getTime()) return false
    if (filters.from && startsAt < Date.parse(filters.from)) return false
    if (filters.to && startsAt > Date.parse(filters.to)) return false
  }
  return true
}

export async function discoverFollowed(
  options: { ruleIds?: number[]; now?: Date; maxPages?: number } = {}
): Promise<FollowDiscoveryResult> {
  const now = options.now ?? new Date()
  const query = WatchRule.query().where('follow', true).where('enabled', true).orderBy('id')
  if (options.ruleIds?.length) query.whereIn('id', options.ruleIds)
  const rules = await query
  const result: FollowDiscoveryResult = {
    rules: rules.length,
    searches: 0,
    createdEvents: 0,
    linkedSources: 0,
    skippedPlatforms: [],
    errors: [],
  }
  if (!rules.length) return result

  const runtime = await connectorRuntime()
  const platforms = (
    await db.from('platforms').where('enabled', true).select('slug').orderBy('slug')
  )
    .map((row) => row.slug as string)
    .filter(
      (slug) =>
        runtime.slugs().includes(slug) &&
        slug !== 'jsonld' &&
        runtime.connector(slug).capabilities.discover
    )

  // one search per (followed name, platform), shared by the rules asking for it
  const groups = new Map<string, { followed: Followed; rules: WatchRule[] }>()
  for (const rule of rules) {
    const followed = followedOf(rule.filters ?? {})
    if (!followed) continue
    const key = `${followed.kind}:${followed.value.trim().toLowerCase()}`
    const group = groups.get(key) ?? { followed, rules: [] }
    group.rules.push(rule)
    groups.set(key, group)
  }

  const found = new Map<number, number>()
  const failures = new Map<number, string>()
  const skipped = new Set<string>()
  for (const { followed, rules: members } of groups.values()) {
    for (const slug of platforms) {
      const wanting = members.filter(
        (rule) => !rule.filters?.platforms?.length || rule.filters.platforms.includes(slug)
      )
      if (!wanting.length || skipped.has(slug)) continue
      result.searches++
      try {
        const outcome = await discoverEvents(
          slug,
          { keyword: followed.value, from: now.toISOString() },
          {
            maxPages: options.maxPages ?? 3,
            userId: wanting[0].userId,
            accept: (event) =>
              wanting.some((rule) => followMatches(rule.filters ?? {}, event, now)),
          }
        )
        result.createdEvents += outcome.createdEvents
        result.linkedSources += outcome.linkedSources
        for (const rule of wanting)
          found.set(rule.id, (found.get(rule.id) ?? 0) + outcome.createdEvents)
      } catch (error) {
        if (error instanceof CredentialRejected) {
          skipped.add(slug)
          continue
        }
        const message = (error as Error).message
        result.errors.push({
          platform: slug,
          query: `${followed.kind} "${followed.value}"`,
          message,
        })
        for (const rule of wanting) failures.set(rule.id, `${slug}: ${message}`.slice(0, 500))
        logger.warn({ platform: slug, followed, err: error }, 'follow discovery failed')
      }
    }
  }
  result.skippedPlatforms = [...skipped]

  for (const rule of rules) {
    if (!followedOf(rule.filters ?? {})) continue
    rule.merge({
      lastDiscoveredAt: DateTime.fromJSDate(now),
      discoveredEvents: rule.discoveredEvents + (found.get(rule.id) ?? 0),
      lastDiscoveryError: failures.get(rule.id) ?? null,
    })
    await rule.save()
  }
  return result
}
