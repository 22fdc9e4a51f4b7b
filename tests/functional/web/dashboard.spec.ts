import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import WatchRuleService from '#alerts/watch_rule_service'
import { upsertEvent } from '#monitoring/event_catalogue'
import { writeMarket } from '#monitoring/market_writer'
import { createUser } from '#tests/helpers/users'
import { createPlatform, normalisedEvent, normalisedListing, snapshot } from '#tests/helpers/market'
import { publishToUser } from '#monitoring/live_feed'
import { moveRequest } from '#purchasing/requests'
import { dashboardVersions } from '#monitoring/dashboard_cache'
import { insertReturningId } from '#purchasing/sql'

test.group('Dashboard', (group) => {
  group.each.setup(async () => {
    await db.from('alerts').delete()
    await db.from('watch_rules').delete()
    await db.from('purchase_requests').delete()
    await User.query().delete()
    dashboardVersions.clear()
  })

  test("shows the events a user's rules watch, with the lowest price and the change since yesterday", async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const platform = await createPlatform()
    const event = normalisedEvent()
    const { eventId, sourceId } = await upsertEvent(platform.id, event)
    const longAgo = new Date(Date.now() - 30 * 3_600_000)
    await writeMarket(
      { id: sourceId, eventId },
      snapshot(event, [normalisedListing('A', 9_000, 2)]),
      longAgo
    )
    await writeMarket(
      { id: sourceId, eventId },
      snapshot(event, [normalisedListing('A', 7_500, 2)]),
      new Date()
    )
    await new WatchRuleService().create(user, {
      name: 'Watch it',
      eventId,
      triggers: [{ kind: 'available' }],
    } as any)

    const page = await client.get('/').loginAs(user).withInertia()
    page.assertStatus(200)
    assert.equal(page.body().component, 'dashboard/index')
    const [row] = page.body().props.watched
    assert.equal(row.id, eventId)
    assert.deepEqual(row.lowest, { amountMinor: 7_500, currency: 'USD' })
    assert.equal(row.lowestYesterdayMinor, 9_000)
    assert.equal(row.available, 1)
    /** 48 steps since the first check 30 h ago: 90.00, then 75.00. */
    assert.lengthOf(row.sparkline, 48)
    assert.equal(row.sparkline[0], 9_000)
    assert.equal(row.sparkline[46], 9_000)
    assert.equal(row.sparkline[47], 7_500)
  })

  test('a new user sees empty sections that say what to do next', async ({ client, assert }) => {
    const user = await createUser('member')
    const page = await client.get('/').loginAs(user).withInertia()
    assert.deepEqual(page.body().props.watched, [])
    assert.deepEqual(page.body().props.alerts, [])
    const html = await client.get('/').loginAs(user)
    assert.include(html.text(), 'create a watch rule')
  })

  test('the panels are read once while nothing changes, and each change shows on the next request', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const platform = await createPlatform()
    const first = normalisedEvent()
    const second = normalisedEvent()
    const a = await upsertEvent(platform.id, first)
    const b = await upsertEvent(platform.id, second)
    await writeMarket(
      { id: a.sourceId, eventId: a.eventId },
      snapshot(first, [normalisedListing('A', 9_000, 2)]),
      new Date()
    )
    const rules = new WatchRuleService()
    await rules.create(user, {
      name: 'First',
      eventId: a.eventId,
      triggers: [{ kind: 'available' }],
    } as any)
    const props = async () => (await client.get('/').loginAs(user).withInertia()).body().props

    const before = await props()
    assert.deepEqual(
      before.watched.map((row: any) => row.lowest?.amountMinor),
      [9_000]
    )
    /** Unchanged: the same panels again (the cache holds them) */
    assert.deepEqual((await props()).watched, before.watched)

    /** A market write of a watched event (committed) */
    await writeMarket(
      { id: a.sourceId, eventId: a.eventId },
      snapshot(first, [normalisedListing('A', 6_500, 2)]),
      new Date()
    )
    assert.deepEqual((await props()).watched[0].lowest, { amountMinor: 6_500, currency: 'USD' })
    const html = await client.get('/').loginAs(user)
    assert.include(html.text(), '$65.00')

    /** A new watch rule */
    await rules.create(user, {
      name: 'Second',
      eventId: b.eventId,
      triggers: [{ kind: 'available' }],
    } as any)
    assert.sameMembers(
      (await props()).watched.map((row: any) => row.id),
      [a.eventId, b.eventId]
    )

    /** An alert, announced to its user as the alert writers do */
    const alertId = await insertReturningId(db.connection(), 'alerts', {
      user_id: user.id,
      event_id: a.eventId,
      type: 'price_drop',
      condition: 'below',
      dedupe_key: `dashboard-test-${user.id}`,
      price_minor: 6_500,
      currency: 'USD',
      reason: JSON.stringify({ text: 'Below $70.00' }),
      detected_at: new Date(),
      created_at: new Date(),
    })
    publishToUser(user.id, { kind: 'alert' })
    const alerts = (await props()).alerts
    assert.lengthOf(alerts, 1)
    assert.equal(alerts[0].reason.text, 'Below $70.00')
    assert.equal(alerts[0].eventId, a.eventId)
    assert.notProperty(alerts[0], 'deliveries')
    assert.isNumber(alertId)

    /** A purchase request moved to pending approval (once its transaction commits) */
    const requestId = await insertReturningId(db.connection(), 'purchase_requests', {
      user_id: user.id,
      event_id: a.eventId,
      platform_id: platform.id,
      quantity: 2,
      max_price_minor: 7_000,
      currency: 'USD',
      status: 'draft',
      idempotency_key: `dashboard-test-${user.id}`,
      created_at: new Date(),
      updated_at: new Date(),
    })
    assert.deepEqual((await props()).pendingPurchases, [])
    await db.transaction((trx) =>
      moveRequest(trx, {
        id: Number(requestId),
        from: 'draft',
        to: 'pending_approval',
        actorId: user.id,
        action: 'purchase.submitted',
        now: new Date(),
      })
    )
    assert.deepEqual(
      (await props()).pendingPurchases.map((row: any) => row.id),
      [Number(requestId)]
    )
  })

  test('another user sees their own panels, not a cached copy of someone else’s', async ({
    client,
    assert,
  }) => {
    const platform = await createPlatform()
    const event = normalisedEvent()
    const { eventId } = await upsertEvent(platform.id, event)
    const watcher = await createUser('member')
    const other = await createUser('member')
    await new WatchRuleService().create(watcher, {
      name: 'Watch it',
      eventId,
      triggers: [{ kind: 'available' }],
    } as any)
    const mine = await client.get('/').loginAs(watcher).withInertia()
    const theirs = await client.get('/').loginAs(other).withInertia()
    assert.lengthOf(mine.body().props.watched, 1)
    assert.deepEqual(theirs.body().props.watched, [])
  })
})
