import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { discoverEvents } from '#monitoring/discovery_service'
import { ensureDemoHistory } from '#services/demo'
import AnalyticsQueries from '#analytics/analytics_queries'
import WatchRuleService from '#alerts/watch_rule_service'
import { DEMO_HISTORY_LABEL } from '#database/demo/played_events'
import { seedPlatforms, startTestSandbox } from '#tests/helpers/sandbox'
import { createUser } from '#tests/helpers/users'

const DB = env.get('DB_CONNECTION', 'sqlite')

test.group(`Demo history: the analytics show something on the first start (${DB})`, (group) => {
  let sandbox: Awaited<ReturnType<typeof startTestSandbox>>
  group.setup(async () => {
    await seedPlatforms()
    sandbox = await startTestSandbox({ events: 30 })
    return () => sandbox.stop()
  })

  test('played games of the demo league, labelled, never checked, with a history that feeds every chart', async ({
    assert,
  }) => {
    await discoverEvents('sandbox', {}, { maxPages: 2 })
    const now = new Date()
    const seeded = await ensureDemoHistory(now)
    assert.isAtLeast(seeded.events, 10)
    assert.isAtLeast(seeded.changes, seeded.events * 18)
    assert.deepEqual(await ensureDemoHistory(now), { events: 0, changes: 0 }, 'seeded once')

    const played = await db.from('events').where('name', 'like', `%${DEMO_HISTORY_LABEL}`)
    assert.lengthOf(played, seeded.events)
    for (const event of played) {
      assert.isBelow(new Date(event.starts_at).getTime(), now.getTime())
      assert.equal(event.status, 'ended')
    }
    const sources = await db
      .from('event_sources')
      .whereIn(
        'event_id',
        played.map((event) => event.id)
      )
      .select('state')
    assert.isTrue(sources.every((source) => source.state === 'paused'))

    /** A user who watches an upcoming game of that league sees advice, a curve and a trend. */
    const user = await createUser('member')
    const upcoming = await db
      .from('events')
      .where('league', played[0].league)
      .whereNull('archived_at')
      /** Advice looks back 60 days before a game: a game within that reach. */
      .where('starts_at', '<', new Date(now.getTime() + 55 * 86_400_000))
      .orderBy('starts_at')
      .firstOrFail()
    await new WatchRuleService().create(user, {
      name: 'watch',
      eventId: upcoming.id,
      triggers: [{ kind: 'available' }],
    } as any)
    const analytics = await new AnalyticsQueries().forUser(user.id, {}, now)
    assert.isAtLeast(analytics.pastEvents, 5)
    assert.isAbove(analytics.curve.length, 0)
    assert.isAtLeast(analytics.trend[0].points.length, 8, 'the weekly trend is more than one dot')
    /** Buy or wait is judged on held-back played games of the league from the first start */
    assert.notEqual(analytics.backtest.verdict, 'not_enough_data')
    assert.isAtLeast(analytics.backtest.testEvents, 5)
    assert.isAbove(analytics.backtest.decisions, 20)
    assert.isTrue(analytics.hints.length > 0, 'a hint for the watched game')

    /** A price band from day one: the upcoming game has no history, its league's played games do */
    const band = (await new AnalyticsQueries().bandsFor([upcoming.id], now)).get(upcoming.id)!
    assert.equal(band.source, 'comparable')
    assert.isAtLeast(band.sampleSize, 5)
    assert.isBelow(band.lowMinor!, band.highMinor!)
    assert.match(band.text, /comparable played events/)

    /** Every league of the demo has its played games */
    const leagues = await db
      .from('events')
      .where('name', 'like', `%${DEMO_HISTORY_LABEL}`)
      .distinct('league')
    assert.isAtLeast(leagues.length, 2)
  })
})
