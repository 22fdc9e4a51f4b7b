/**
 * Reads behind the analytics page and the analytics parts of the event page.
 * Every per-user read starts from the user; the computations are the pure
 * functions beside this file.
 */
import db from '@adonisjs/lucid/services/db'
import { fromDbTime } from '#purchasing/sql'
import { dealScore, type ComparableListing, type DealScore } from '#analytics/deal_score'
import { daysBeforeCurve, DAY_MS } from '#analytics/days_before'
import { adviceFor, backtestAdvice, trendOf } from '#analytics/advice'
import { alertFunnel, spendByMonth, spendByPlatform } from '#analytics/spend'
import { comparePlatforms, sectionSpread, weeklyTrend } from '#analytics/platform_comparison'
import { dailyLowestFor, pastEvents, priceChart } from '#analytics/price_queries'
import { watchedEventIds } from '#analytics/watched_events'
import { zoneContexts } from '#analytics/zone_queries'
import { priceBand, MIN_COMPARABLE_EVENTS, type PriceBand } from '#analytics/price_band'
import CalendarFeed from '#analytics/calendar_feed'

const money = (minor: number) =>
  new Intl.NumberFormat('en', { style: 'currency', currency: 'USD' }).format(minor / 100)
const ms = (value: unknown) => fromDbTime(value)?.getTime() ?? Number.NaN

export type ListingForScore = {
  id: number
  section: string | null
  price: { amountMinor: number } | null
  platform: string
  quantity: number
  priceWithFees?: { amountMinor: number } | null
}

export default class AnalyticsQueries {
  /** The event page's analytics: chart, per-section spread, platforms side by side, a deal score per listing. */
  async forEvent(eventId: number, listings: ListingForScore[], now = new Date()) {
    const [chart, history, summaries, zones, bands] = await Promise.all([
      priceChart(eventId, now),
      dailyLowestFor([eventId], now, 30),
      db
        .from('event_sources')
        .join('platforms', 'platforms.id', 'event_sources.platform_id')
        .where('event_sources.event_id', eventId)
        .select('platforms.slug', 'event_sources.min_price_minor', 'event_sources.listing_count'),
      zoneContexts([eventId], now),
      this.bandsFor([eventId], now),
    ])
    const historyPrices = (history.get(eventId) ?? [])
      .map((day) => day.lowest)
      .filter((price): price is number => price !== null)
    const market: ComparableListing[] = listings.map((listing) => ({
      id: listing.id,
      section: listing.section,
      priceMinor: listing.price?.amountMinor ?? null,
    }))
    const scores: Record<number, DealScore> = {}
    for (const listing of listings)
      scores[listing.id] = dealScore(
        {
          id: listing.id,
          section: listing.section,
          priceMinor: listing.price?.amountMinor ?? null,
        },
        market,
        historyPrices,
        money,
        zones.get(eventId) ?? null
      )
    return {
      chart,
      spread: sectionSpread(market),
      platforms: comparePlatforms(
        listings.map((listing) => ({
          platform: listing.platform,
          priceMinor: listing.price?.amountMinor ?? null,
          priceWithFeesMinor: listing.priceWithFees?.amountMinor ?? null,
          quantity: listing.quantity,
        })),
        summaries.map((row) => ({
          platform: row.slug,
          minPriceMinor: row.min_price_minor,
          listingCount: row.listing_count,
        }))
      ),
      dealScores: scores,
      band: bands.get(eventId) ?? null,
    }
  }

  /**
   * "Prices are low / typical / high" per event (price_band.ts): the event's
   * lowest price on sale now against its own 30 days, or against played games
   * of its home team (else its league) about as many days out.
   */
  async bandsFor(eventIds: number[], now = new Date()): Promise<Map<number, PriceBand>> {
    const result = new Map<number, PriceBand>()
    const ids = [...new Set(eventIds)].slice(0, 50)
    if (!ids.length) return result
    const [events, lowest, history, firstSeen] = await Promise.all([
      db.from('events').whereIn('id', ids).select('id', 'league', 'home_team', 'starts_at'),
      db
        .from('listings')
        .whereIn('event_id', ids)
        .where('status', 'available')
        .whereNotNull('price_minor')
        .groupBy('event_id')
        .select('event_id')
        .min('price_minor as lowest'),
      dailyLowestFor(ids, now, 30),
      /** Days before an event's first recorded price are not its history (the series carries values back) */
      db
        .from('listing_changes')
        .whereIn('event_id', ids)
        .groupBy('event_id')
        .select('event_id')
        .min('observed_at as first'),
    ])
    const firstOf = new Map(firstSeen.map((row) => [Number(row.event_id), ms(row.first)]))
    const lowestOf = new Map(lowest.map((row) => [Number(row.event_id), Number(row.lowest)]))
    for (const event of events) {
      const first = firstOf.get(Number(event.id)) ?? Number.POSITIVE_INFINITY
      const own = (history.get(event.id) ?? [])
        .filter((day) => day.at + DAY_MS > first)
        .map((day) => day.lowest)
        .filter((price): price is number => price !== null)
      const daysBefore = Math.max(0, Math.floor((ms(event.starts_at) - now.getTime()) / DAY_MS))
      let comparables: { group: string; events: Awaited<ReturnType<typeof pastEvents>> } | null =
        null
      if (own.length < 7) {
        if (event.home_team) {
          const games = await pastEvents({ team: event.home_team }, now)
          comparables = { group: `${event.home_team} games`, events: games }
        }
        if (event.league && (!comparables || comparables.events.length < MIN_COMPARABLE_EVENTS))
          comparables = {
            group: `${event.league} games`,
            events: await pastEvents({ league: event.league }, now),
          }
      }
      result.set(
        Number(event.id),
        priceBand(lowestOf.get(Number(event.id)) ?? null, own, comparables, daysBefore, money)
      )
    }
    return result
  }

  async forUser(
    userId: number,
    input: { league?: string; team?: string; eventId?: number },
    now = new Date()
  ) {
    const watchedIds = await watchedEventIds(userId, 50)
    const watched = watchedIds.length
      ? await db
          .from('events')
          .whereIn('id', watchedIds)
          .orderBy('starts_at')
          .select('id', 'name', 'league', 'home_team', 'away_team', 'starts_at', 'status')
      : []
    const leagues = [...new Set(watched.map((event) => event.league).filter(Boolean))] as string[]
    const teams = [
      ...new Set(watched.flatMap((event) => [event.home_team, event.away_team]).filter(Boolean)),
    ] as string[]
    if (!leagues.length) {
      const common = await db
        .from('events')
        .whereNotNull('league')
        .select('league')
        .count('* as total')
        .groupBy('league')
        .orderBy('total', 'desc')
        .limit(5)
      leagues.push(...common.map((row) => row.league as string))
    }
    const group = input.team
      ? { kind: 'team' as const, name: input.team }
      : { kind: 'league' as const, name: input.league ?? leagues[0] ?? null }
    const filter = group.kind === 'team' ? { team: group.name } : { league: group.name }

    const past = group.name ? await pastEvents(filter, now) : []
    const upcoming = watched.filter(
      (event) =>
        event.starts_at &&
        ms(event.starts_at) > now.getTime() &&
        ['onsale', 'scheduled', 'rescheduled', 'offsale'].includes(event.status)
    )
    /** Buy or wait: per league, learnt on older played games and judged on the most recent ones (advice.ts) */
    const backtestByLeague = new Map<string, ReturnType<typeof backtestAdvice>>()
    const backtest = backtestAdvice(past)
    if (group.kind === 'league' && group.name)
      backtestByLeague.set(group.name.toLowerCase(), backtest)
    const shown = upcoming.slice(0, 8)
    /** Two weeks and a little more: the trend the advice reads (advice.ts) */
    const recent = await dailyLowestFor(
      shown.map((event) => event.id),
      now,
      17
    )
    const hints = []
    for (const event of shown) {
      const key = String(event.league ?? '').toLowerCase()
      if (!backtestByLeague.has(key))
        backtestByLeague.set(
          key,
          backtestAdvice(
            backtestByLeague.size < 4 && key ? await pastEvents({ league: key }, now) : []
          )
        )
      const daysBefore = Math.floor((ms(event.starts_at) - now.getTime()) / DAY_MS)
      /** The event's last 17 days by days before it (today = daysBefore) */
      const days = new Map<number, number>()
      const series = recent.get(event.id) ?? []
      series.forEach((day, index) => {
        if (day.lowest !== null) days.set(daysBefore + (series.length - 1 - index), day.lowest)
      })
      const leagueBacktest = backtestByLeague.get(key)!
      hints.push({
        eventId: event.id,
        eventName: event.name,
        league: event.league,
        daysBefore,
        ...adviceFor(leagueBacktest, daysBefore, trendOf(days, daysBefore)),
        backtest: { verdict: leagueBacktest.verdict, margin: leagueBacktest.margin },
      })
    }

    const [trend, alertScores, spend, funnel, comparison, calendarUrl] = await Promise.all([
      group.name ? this.trend(filter, group.name, now) : Promise.resolve([]),
      this.alertDealScores(userId, now),
      this.spend(userId),
      this.funnel(userId),
      this.platformComparison(
        input.eventId ??
          watched.find((event) => ms(event.starts_at) > now.getTime())?.id ??
          watched[0]?.id ??
          null
      ),
      new CalendarFeed().urlFor(userId),
    ])
    return {
      groups: { leagues, teams: teams.slice(0, 40) },
      selected: group,
      trend,
      curve: daysBeforeCurve(past),
      pastEvents: past.length,
      backtest: (({ model: _model, ...figures }) => figures)(backtest),
      hints,
      alerts: alertScores,
      spend,
      funnel,
      comparison,
      watchedEvents: watched.map((event) => ({ id: event.id, name: event.name })),
      calendarUrl,
    }
  }

  /** Weekly median asking price (listings that appeared or changed price) for a league or team, last 90 days. */
  async trend(filter: { league?: string | null; team?: string | null }, name: string, now: Date) {
    const events = db
      .from('events')
      .select('id')
      .where('starts_at', '>', new Date(now.getTime() - 180 * DAY_MS))
      .orderBy('starts_at', 'desc')
      .limit(300)
    if (filter.league) events.whereRaw('lower(league) = ?', [filter.league.toLowerCase()])
    if (filter.team)
      events.where((where) =>
        where
          .whereRaw('lower(home_team) = ?', [filter.team!.toLowerCase()])
          .orWhereRaw('lower(away_team) = ?', [filter.team!.toLowerCase()])
      )
    const ids = (await events).map((row) => row.id)
    if (!ids.length) return []
    const rows = await db
      .from('listing_changes')
      .whereIn('event_id', ids)
      .whereIn('kind', ['appeared', 'price_changed'])
      .whereNotNull('new_price_minor')
      .where('observed_at', '>=', new Date(now.getTime() - 90 * DAY_MS))
      .limit(100_000)
      .select('new_price_minor', 'observed_at')
    return weeklyTrend(
      rows.map((row) => ({ group: name, at: ms(row.observed_at), priceMinor: row.new_price_minor }))
    )
  }

  /** The latest alerts on a listing, each with its deal score against the event's market now and its history. */
  async alertDealScores(userId: number, now: Date) {
    const alerts = await db
      .from('alerts')
      .leftJoin('events', 'events.id', 'alerts.event_id')
      .leftJoin('listings', 'listings.id', 'alerts.listing_id')
      .where('alerts.user_id', userId)
      .whereNotNull('alerts.listing_id')
      .whereNotNull('alerts.price_minor')
      .orderBy('alerts.id', 'desc')
      .limit(10)
      .select(
        'alerts.id',
        'alerts.event_id',
        'alerts.listing_id',
        'alerts.price_minor',
        'alerts.currency',
        'alerts.detected_at',
        'events.name as event_name',
        'listings.section'
      )
    const scores = await this.dealScoresFor(
      alerts.map((alert) => ({
        id: Number(alert.id),
        eventId: alert.event_id,
        listingId: Number(alert.listing_id),
        section: alert.section,
        priceMinor: alert.price_minor,
      })),
      now
    )
    return alerts.map((alert) => ({
      alertId: Number(alert.id),
      eventId: alert.event_id,
      eventName: alert.event_name,
      section: alert.section,
      price: { amountMinor: alert.price_minor, currency: alert.currency ?? 'USD' },
      detectedAt: new Date(ms(alert.detected_at)).toISOString(),
      deal: scores.get(Number(alert.id))!,
    }))
  }

  /**
   * Deal scores of alerts on listings (the alerts page and the analytics page):
   * the alert's price against the event's listings on sale now and its last 30 days.
   */
  async dealScoresFor(
    alerts: Array<{
      id: number
      eventId: number | null
      listingId: number | null
      section?: string | null
      priceMinor: number | null
    }>,
    now = new Date()
  ) {
    const scored = alerts.filter(
      (alert) => alert.eventId !== null && alert.listingId !== null && alert.priceMinor !== null
    )
    const result = new Map<number, DealScore>()
    const eventIds = [...new Set(scored.map((alert) => alert.eventId as number))]
    if (!eventIds.length) return result
    const missingSections = scored
      .filter((alert) => alert.section === undefined)
      .map((alert) => alert.listingId as number)
    const [market, history, sections, zones] = await Promise.all([
      db
        .from('listings')
        .whereIn('event_id', eventIds)
        .where('status', 'available')
        .select('id', 'event_id', 'section', 'price_minor'),
      dailyLowestFor(eventIds, now, 30),
      missingSections.length
        ? db.from('listings').whereIn('id', missingSections).select('id', 'section')
        : Promise.resolve([]),
      zoneContexts(eventIds, now),
    ])
    const sectionOf = new Map(sections.map((row: any) => [row.id, row.section as string | null]))
    for (const alert of scored) {
      const comparables = market
        .filter((row) => row.event_id === alert.eventId)
        .map((row) => ({ id: row.id, section: row.section, priceMinor: row.price_minor }))
      const historyPrices = (history.get(alert.eventId as number) ?? [])
        .map((day) => day.lowest)
        .filter((price): price is number => price !== null)
      const section =
        alert.section === undefined
          ? (sectionOf.get(alert.listingId as number) ?? null)
          : alert.section
      result.set(
        alert.id,
        dealScore(
          { id: alert.listingId, section, priceMinor: alert.priceMinor },
          comparables,
          historyPrices,
          money,
          zones.get(alert.eventId as number) ?? null
        )
      )
    }
    return result
  }

  async spend(userId: number) {
    const orders = await db
      .from('orders')
      .join('platforms', 'platforms.id', 'orders.platform_id')
      .where('orders.user_id', userId)
      .select(
        'orders.placed_at',
        'orders.total_minor',
        'orders.currency',
        'orders.status',
        'platforms.name as platform'
      )
    const rows = orders.map((order) => ({
      placedAt: ms(order.placed_at),
      platform: order.platform,
      totalMinor: order.total_minor,
      currency: order.currency,
      status: order.status,
    }))
    return { byMonth: spendByMonth(rows), byPlatform: spendByPlatform(rows) }
  }

  async funnel(userId: number) {
    const [alerts, requests, ordered] = await Promise.all([
      db.from('alerts').where('user_id', userId).count('* as total').first(),
      db
        .from('purchase_requests')
        .where('user_id', userId)
        .select('alert_id', 'status', 'approved_at'),
      db
        .from('orders')
        .join('purchase_requests', 'purchase_requests.id', 'orders.purchase_request_id')
        .where('orders.user_id', userId)
        .whereNotNull('purchase_requests.alert_id')
        .whereNotIn('orders.status', ['rejected', 'canceled', 'cancelled', 'failed', 'void'])
        .countDistinct('orders.purchase_request_id as total')
        .first(),
    ])
    return alertFunnel({
      alerts: Number(alerts?.total ?? 0),
      requests: requests.map((row) => ({
        fromAlert: row.alert_id !== null,
        status: row.status,
        approved:
          row.approved_at !== null ||
          ['approved', 'executing', 'succeeded', 'failed'].includes(row.status),
      })),
      ordersFromAlerts: Number(ordered?.total ?? 0),
    })
  }

  async platformComparison(eventId: number | null) {
    if (!eventId) return null
    const event = await db.from('events').where('id', eventId).select('id', 'name').first()
    if (!event) return null
    const [listings, summaries] = await Promise.all([
      db
        .from('listings')
        .join('event_sources', 'event_sources.id', 'listings.event_source_id')
        .join('platforms', 'platforms.id', 'event_sources.platform_id')
        .where('listings.event_id', eventId)
        .where('listings.status', 'available')
        .select(
          'platforms.name as platform',
          'listings.price_minor',
          'listings.price_with_fees_minor',
          'listings.quantity'
        ),
      db
        .from('event_sources')
        .join('platforms', 'platforms.id', 'event_sources.platform_id')
        .where('event_sources.event_id', eventId)
        .select(
          'platforms.name as platform',
          'event_sources.min_price_minor',
          'event_sources.listing_count'
        ),
    ])
    return {
      eventId: event.id,
      eventName: event.name,
      rows: comparePlatforms(
        listings.map((row) => ({
          platform: row.platform,
          priceMinor: row.price_minor,
          priceWithFeesMinor: row.price_with_fees_minor,
          quantity: row.quantity,
        })),
        summaries.map((row) => ({
          platform: row.platform,
          minPriceMinor: row.min_price_minor,
          listingCount: row.listing_count,
        }))
      ),
    }
  }
}
