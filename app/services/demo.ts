/**
 * The demo of `npm start`: the demo admin watches the sandbox's market with
 * a few rules that match within the first minute, so a new user sees prices
 * move and alerts arrive. Created once; a user's own edits are kept.
 */
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import env from '#start/env'
import User from '#models/user'
import WatchRuleService from '#alerts/watch_rule_service'

export async function ensureDemoRules() {
  const email = env.get('DEMO_ADMIN_EMAIL', 'admin@hdtickets.local')
  const user = await User.findBy('email', email)
  if (!user) return
  const existing = await db
    .from('watch_rules')
    .where('user_id', user.id)
    .count('* as total')
    .first()
  if (Number(existing.total) > 0) return

  const sandbox = await db.from('platforms').where('slug', 'sandbox').first()
  if (!sandbox) return
  const events = await db
    .from('events')
    .join('event_sources', 'event_sources.event_id', 'events.id')
    .where('event_sources.platform_id', sandbox.id)
    .whereNull('events.archived_at')
    .orderBy('events.starts_at', 'asc')
    .limit(3)
    .select('events.id', 'events.name', 'events.league')
  if (events.length === 0) return

  const service = new WatchRuleService()
  const league = events[0].league
  if (league) {
    /** As a fan would set it: good deals only, a few alerts an hour at most. */
    await service.create(user, {
      name: `Good ${league} pairs under $150`,
      filters: { league },
      maxPriceMinor: 15_000,
      currency: 'USD',
      minQuantity: 2,
      triggers: [{ kind: 'available' }],
      minDealScore: 70,
      maxAlertsPerHour: 4,
      importance: 4,
    } as any)
  }
  await service.create(user, {
    name: `${events[0].name}: price drops of 10 % or more`,
    eventId: events[0].id,
    minQuantity: 1,
    triggers: [{ kind: 'price_drop', percent: 10 }, { kind: 'back_in_stock' }],
    maxAlertsPerHour: 3,
    importance: 5,
  } as any)
  if (events[1]) {
    await service.create(user, {
      name: `${events[1].name}: 4 seats together`,
      eventId: events[1].id,
      minQuantity: 1,
      triggers: [{ kind: 'seats_together', count: 4 }],
      maxAlertsPerHour: 2,
      importance: 3,
    } as any)
  }
  logger.info('demo: watch rules created for %s', email)
}

/**
 * The demo's purchase: the demo admin's sandbox account is linked (the
 * exchange's demo credential), and once the first market is loaded a
 * request for the cheapest pair of the first event waits for approval —
 * approving it places a real order on the sandbox exchange.
 */
export async function ensureDemoPurchase() {
  const email = env.get('DEMO_ADMIN_EMAIL', 'admin@hdtickets.local')
  const user = await User.findBy('email', email)
  if (!user) return 'no demo user'
  const sandbox = await db.from('platforms').where('slug', 'sandbox').first()
  if (!sandbox) return 'no sandbox'
  const { default: AccountService } = await import('#services/account_service')
  const { sandboxCredential } = await import('#connectors/sandbox/sandbox_credentials')
  const linked = await db
    .from('accounts')
    .where({ user_id: user.id, platform_id: sandbox.id })
    .first()
  if (!linked) {
    await new AccountService().link(user, {
      platform: 'sandbox',
      username: 'Demo exchange account',
      credentials: sandboxCredential(),
    })
  }
  const existing = await db.from('purchase_requests').where('user_id', user.id).first()
  if (existing) return 'done'
  const listing = await db
    .from('listings')
    .join('event_sources', 'event_sources.id', 'listings.event_source_id')
    .where('event_sources.platform_id', sandbox.id)
    .where('listings.status', 'available')
    .where('listings.quantity', '>=', 2)
    .orderBy('listings.price_minor', 'asc')
    .select('listings.id', 'listings.price_minor', 'listings.splits')
    .first()
  if (!listing) return 'waiting for listings'
  const splits: number[] =
    typeof listing.splits === 'string' ? JSON.parse(listing.splits) : (listing.splits ?? [2])
  const quantity = splits.includes(2) ? 2 : Math.min(...splits)
  const { purchaseService } = await import('#purchasing/settings')
  await purchaseService().create(user, {
    listingId: listing.id,
    quantity,
    maxPriceMinor: Math.round(listing.price_minor * 1.05),
  })
  logger.info('demo: a purchase request waits for approval')
  return 'done'
}

/**
 * The demo's past (database/demo/played_events.ts): played games of
 * the demo's league with a simulated, labelled history, so the analytics
 * have something to show on the first start. Once.
 */
export async function ensureDemoHistory(now = new Date()) {
  const sandbox = await db.from('platforms').where('slug', 'sandbox').first()
  if (!sandbox) return { events: 0, changes: 0 }
  const upcoming = await db
    .from('events')
    .join('event_sources', 'event_sources.event_id', 'events.id')
    .where('event_sources.platform_id', sandbox.id)
    .whereNull('events.archived_at')
    .whereNotNull('events.league')
    .select('events.league', 'events.home_team', 'events.away_team')
    .limit(200)
  if (upcoming.length === 0) return { events: 0, changes: 0 }
  /** Every league of the demo gets its played games: price bands and advice have comparables in each */
  const leagues = [...new Set(upcoming.map((row) => row.league as string))].slice(0, 8)
  const { seedPlayedEvents } = await import('#database/demo/played_events')
  const total = { events: 0, changes: 0 }
  for (const [index, league] of leagues.entries()) {
    const teams = [
      ...new Set(
        upcoming
          .filter((row) => row.league === league)
          .flatMap((row) => [row.home_team, row.away_team])
          .filter((team): team is string => Boolean(team))
      ),
    ]
    const seeded = await seedPlayedEvents({
      platformId: sandbox.id,
      league,
      teams,
      now,
      seed: 2024 + index,
    })
    total.events += seeded.events
    total.changes += seeded.changes
  }
  if (total.events) {
    logger.info('demo: %d played games with history', total.events)
    /** Their history was written here, not by checks: the dashboard's roll-ups from it */
    const { rebuildMarketRollups } = await import('#analytics/event_rollup')
    const played = await db
      .from('event_sources')
      .where('platform_id', sandbox.id)
      .where('external_id', 'like', 'demo-history-%')
      .select('event_id')
    await rebuildMarketRollups({ eventIds: played.map((row) => Number(row.event_id)) })
  }
  return total
}
