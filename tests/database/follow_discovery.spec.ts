import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import WatchRule from '#models/watch_rule'
import WatchRuleService from '#alerts/watch_rule_service'
import { checkSource } from '#monitoring/check_market_service'
import { discoverFollowed, followMatches } from '#monitoring/follow_discovery'
import { createUser } from '#tests/helpers/users'
import { seedPlatforms, startTestSandbox } from '#tests/helpers/sandbox'
import type { SimEvent } from '#sandbox/market_simulator'

async function resetMarket() {
  await db.from('alerts').delete()
  await db.from('alert_outbox').delete()
  await db.from('listing_changes').delete()
  await db.from('listings').delete()
  await db.from('event_status_changes').delete()
  await db.from('event_sources').delete()
  await db.from('events').delete()
  await db.from('watch_rules').delete()
}

const involves = (event: SimEvent, team: string) =>
  event.homeTeam === team || event.awayTeam === team

/**
 * Follow rules on the real sandbox exchange and connector: the discovery
 * job stores the followed team's upcoming games (and nothing else it found),
 * finds games announced later, and the rule then alerts on them — on each
 * database.
 */
test.group('Following a team', (group) => {
  let sandbox: Awaited<ReturnType<typeof startTestSandbox>>
  let user: User
  group.setup(async () => {
    await seedPlatforms()
    sandbox = await startTestSandbox({ events: 24 })
    return () => sandbox.stop()
  })
  group.each.setup(async () => {
    await resetMarket()
    await sandbox.fresh()
    await User.query().delete()
    user = await createUser('member')
  })

  const follow = (team: string, extra: Record<string, unknown> = {}) =>
    new WatchRuleService().create(user, {
      name: `Follow ${team}`,
      filters: { team, platforms: ['sandbox'] },
      triggers: [{ kind: 'available' }],
      follow: true,
      ...extra,
    } as any)

  test("discovery stores the followed team's upcoming games only, once", async ({ assert }) => {
    const simulator = sandbox.exchange.simulator
    const team = simulator.events()[0].homeTeam
    const expected = simulator
      .events()
      .filter(
        (event) =>
          involves(event, team) && event.state !== 'canceled' && event.startsAtMs > Date.now()
      )
    assert.isAbove(expected.length, 0)
    assert.isBelow(
      expected.length,
      simulator.events().length,
      'the sandbox also has games of other teams'
    )
    const rule = await follow(team)

    const first = await discoverFollowed()
    assert.equal(first.createdEvents, expected.length)
    assert.deepEqual(first.errors, [])
    const stored = await db.from('event_sources').select('external_id')
    assert.sameMembers(
      stored.map((row) => Number(row.external_id)),
      expected.map((event) => event.id)
    )
    const events = await db.from('events').select('home_team', 'away_team')
    for (const event of events) assert.include([event.home_team, event.away_team], team)

    const again = await discoverFollowed()
    assert.equal(again.createdEvents, 0)
    assert.lengthOf(await db.from('events'), expected.length)
    await rule.refresh()
    assert.equal(rule.discoveredEvents, expected.length)
    assert.isNotNull(rule.lastDiscoveredAt)
    assert.isNull(rule.lastDiscoveryError)
  })

  test('a game announced later is found by the next run, and the rule alerts on it', async ({
    assert,
  }) => {
    const simulator = sandbox.exchange.simulator
    const team = simulator.events()[1].awayTeam
    const rule = await follow(team, { triggers: [{ kind: 'price_drop', percent: 5 }] })
    await discoverFollowed()
    const before = await db.from('events').count('* as total').first()

    let announced: SimEvent | null = null
    for (let i = 0; i < 300 && !announced; i++) {
      const event = sandbox.exchange.mutate((sim) => sim.addEvent())
      if (
        involves(event, team) &&
        event.state === 'shown' &&
        event.onSale &&
        simulator.listings(event.id).some((l) => l.available > 0)
      )
        announced = event
    }
    assert.isNotNull(announced, 'the simulator announced a game of the team')

    const run = await discoverFollowed({ ruleIds: [rule.id] })
    assert.isAtLeast(run.createdEvents, 1)
    const source = await db
      .from('event_sources')
      .where('external_id', String(announced!.id))
      .firstOrFail()
    const after = await db.from('events').count('* as total').first()
    assert.equal(Number(after.total), Number(before.total) + run.createdEvents)

    // the first check is the baseline; a price cut afterwards is news for the follower
    await checkSource(source.id)
    const listing = sandbox.exchange.mutate((sim) =>
      sim.listings(announced!.id).find((l) => l.available > 0)
    )
    assert.exists(listing, 'the announced game has seats on sale')
    sandbox.exchange.mutate((sim) =>
      sim.setPrice(listing!.id, Math.max(600, Math.round(listing!.retailCents / 2)))
    )
    await checkSource(source.id)
    const alerts = await db
      .from('alerts')
      .where({ user_id: user.id, watch_rule_id: rule.id, event_id: source.event_id })
    assert.isAbove(alerts.length, 0)
  })

  test('a followed game that is cancelled stops being checked and is archived', async ({
    assert,
  }) => {
    const simulator = sandbox.exchange.simulator
    const target = simulator
      .events()
      .find((event) => event.state === 'shown' && event.startsAtMs > Date.now())!
    await follow(target.homeTeam)
    await discoverFollowed()
    const source = await db
      .from('event_sources')
      .where('external_id', String(target.id))
      .firstOrFail()
    await checkSource(source.id)
    sandbox.exchange.mutate((sim) => sim.setState(target.id, 'canceled'))
    await checkSource(source.id)
    const stopped = await db.from('event_sources').where('id', source.id).first()
    assert.equal(stopped.state, 'ended')
    const event = await db.from('events').where('id', source.event_id).first()
    assert.isNotNull(event.archived_at)
    // and the next discovery does not bring it back
    const run = await discoverFollowed()
    assert.equal(run.createdEvents, 0)
    const still = await db.from('event_sources').where('id', source.id).first()
    assert.equal(still.state, 'ended')
  })

  test('a platform failing keeps the reason on the rule; the run ends', async ({ assert }) => {
    const team = sandbox.exchange.simulator.events()[2].homeTeam
    const rule = await follow(team)
    sandbox.exchange.setFault(503)
    try {
      const run = await discoverFollowed()
      assert.lengthOf(run.errors, 1)
      assert.equal(run.errors[0].platform, 'sandbox')
    } finally {
      sandbox.exchange.setFault(null)
    }
    await rule.refresh()
    assert.include(rule.lastDiscoveryError, 'sandbox')
    assert.equal(rule.discoveredEvents, 0)
  })

  test('following needs a team, league or venue and no single event', async ({ assert }) => {
    const service = new WatchRuleService()
    await assert.rejects(
      () =>
        service.create(user, {
          name: 'x',
          filters: { from: new Date() },
          triggers: [{ kind: 'available' }],
          follow: true,
        } as any),
      /Following needs a team, league or venue/
    )
    assert.lengthOf(await WatchRule.all(), 0)
  })
})

test.group('Follow matching', () => {
  const base = {
    ref: '1',
    platform: 'sandbox',
    url: null,
    name: 'A at B',
    sport: 'basketball',
    league: 'NBA',
    homeTeam: 'Boston Celtics',
    awayTeam: 'New York Knicks',
    venue: 'TD Garden',
    city: 'Boston',
    country: 'US',
    startsAt: '2030-01-01T00:00:00Z',
    timezone: null,
    dateTbd: false,
    status: 'scheduled',
    publicSale: null,
    presales: [],
  } as any
  const now = new Date('2029-12-01T00:00:00Z')

  test('every filter the rule sets must hold, names compared without case', ({ assert }) => {
    assert.isTrue(followMatches({ team: 'boston celtics' }, base, now))
    assert.isTrue(followMatches({ team: 'New York Knicks', league: 'nba' }, base, now))
    assert.isFalse(followMatches({ team: 'Boston Celtics', league: 'NHL' }, base, now))
    assert.isFalse(followMatches({ venue: 'Madison Square Garden' }, base, now))
    assert.isFalse(
      followMatches({ team: 'Boston Celtics', platforms: ['ticketmaster'] }, base, now)
    )
    assert.isFalse(followMatches({ team: 'Boston Celtics', to: '2029-12-31T00:00:00Z' }, base, now))
  })

  test('games already played or cancelled are not followed', ({ assert }) => {
    assert.isFalse(
      followMatches({ team: 'Boston Celtics' }, base, new Date('2030-02-01T00:00:00Z'))
    )
    assert.isFalse(followMatches({ team: 'Boston Celtics' }, { ...base, status: 'cancelled' }, now))
  })
})
