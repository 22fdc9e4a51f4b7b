import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import WatchRuleService from '#alerts/watch_rule_service'
import { upsertEvent } from '#monitoring/event_catalogue'
import { writeMarket } from '#monitoring/market_writer'
import { createUser } from '#tests/helpers/users'
import { createPlatform, normalisedEvent, normalisedListing, snapshot } from '#tests/helpers/market'

test.group('Dashboard', (group) => {
  group.each.setup(async () => {
    await db.from('alerts').delete()
    await db.from('watch_rules').delete()
    await User.query().delete()
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
})
