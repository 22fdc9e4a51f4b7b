import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { upsertEvent } from '#monitoring/event_catalogue'
import { writeMarket } from '#monitoring/market_writer'
import { createUser } from '#tests/helpers/users'
import { createPlatform, normalisedEvent, normalisedListing, snapshot } from '#tests/helpers/market'

async function eventWithListings() {
  const platform = await createPlatform()
  const event = normalisedEvent()
  const { eventId, sourceId } = await upsertEvent(platform.id, event)
  const yesterday = new Date(Date.now() - 86_400_000)
  await writeMarket(
    { id: sourceId, eventId },
    snapshot(event, [normalisedListing('A', 9_000, 4), normalisedListing('B', 6_000, 2)]),
    yesterday
  )
  await writeMarket(
    { id: sourceId, eventId },
    snapshot(event, [normalisedListing('A', 4_500, 4), normalisedListing('B', 6_000, 2)]),
    new Date(yesterday.getTime() + 3_600_000)
  )
  return { eventId, platform }
}

const base = (eventId: number) => ({
  name: 'Pair under 70',
  eventId,
  maxPriceMinor: 7_000,
  currency: 'USD',
  minQuantity: 2,
  triggers: [{ kind: 'available' }],
})

test.group('Watch rules', (group) => {
  group.each.setup(async () => {
    await db.from('alert_outbox').delete()
    await db.from('watch_rules').delete()
    await User.query().delete()
  })

  test('a rule is created, listed, edited and deleted by its owner only', async ({
    client,
    assert,
  }) => {
    const owner = await createUser('member')
    const other = await createUser('member')
    const { eventId } = await eventWithListings()
    ;(
      await client
        .post('/watch-rules')
        .json(base(eventId))
        .loginAs(owner)
        .withCsrfToken()
        .redirects(0)
    ).assertStatus(302)
    const rule = await db.from('watch_rules').where('user_id', owner.id).first()
    assert.equal(rule.max_price_minor, 7_000)

    const list = await client.get('/watch-rules').loginAs(owner).withInertia()
    assert.equal(list.body().props.rules[0].name, 'Pair under 70')
    const othersList = await client.get('/watch-rules').loginAs(other).withInertia()
    assert.lengthOf(othersList.body().props.rules, 0)

    ;(
      await client
        .put(`/watch-rules/${rule.id}`)
        .json({ ...base(eventId), name: 'Renamed' })
        .loginAs(other)
        .withCsrfToken()
        .withInertia()
    ).assertStatus(404)
    ;(
      await client
        .put(`/watch-rules/${rule.id}`)
        .json({ ...base(eventId), name: 'Renamed' })
        .loginAs(owner)
        .withCsrfToken()
        .redirects(0)
    ).assertStatus(302)
    assert.equal((await db.from('watch_rules').where('id', rule.id).first()).name, 'Renamed')
    ;(
      await client.delete(`/watch-rules/${rule.id}`).loginAs(other).withCsrfToken().withInertia()
    ).assertStatus(404)
    ;(
      await client.delete(`/watch-rules/${rule.id}`).loginAs(owner).withCsrfToken().redirects(0)
    ).assertStatus(302)
    assert.notExists(await db.from('watch_rules').where('id', rule.id).first())
  })

  test('impossible or contradictory criteria are refused, naming the field, and nothing is saved', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const { eventId } = await eventWithListings()
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ maxPriceMinor: -5 }, 'maxPriceMinor'],
      [{ minQuantity: 0 }, 'minQuantity'],
      [
        { eventId: null, filters: { from: '2027-02-01T00:00:00Z', to: '2027-01-01T00:00:00Z' } },
        'filters.to',
      ],
      [{ eventId: null, filters: { platforms: ['nowhere'] } }, 'filters.platforms'],
      [{ sections: ['(a|b)'] }, 'sections.0'],
      [{ maxPriceMinor: 5_000, currency: null }, 'currency'],
      [{ triggers: [] }, 'triggers'],
      [{ eventId: 999_999 }, 'eventId'],
      [{ follow: true }, 'follow'],
      [{ eventId: null, filters: { from: '2027-01-01T00:00:00Z' }, follow: true }, 'follow'],
      [{ follow: 'yes please' }, 'follow'],
    ]
    for (const [change, field] of cases) {
      const response = await client
        .post('/watch-rules')
        .json({ ...base(eventId), ...change })
        .header('accept', 'application/json')
        .loginAs(user)
        .withCsrfToken()
      assert.equal(response.status(), 422, JSON.stringify(change))
      assert.include(
        response.body().errors.map((error: any) => error.field),
        field,
        JSON.stringify(change)
      )
    }
    assert.lengthOf(await db.from('watch_rules'), 0)
  })

  test('the preview counts matching listings now and backtests the stored history', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const { eventId } = await eventWithListings()
    const response = await client
      .post('/watch-rules/preview')
      .json(base(eventId))
      .header('accept', 'application/json')
      .loginAs(user)
      .withCsrfToken()
    response.assertStatus(200)
    /** Now: A at 45.00 (4 seats) and B at 60.00 (2 seats) are both under 70. */
    assert.equal(response.body().matchingListings, 2)
    /**
     * History: the first load (A at 90, B at 60) is the baseline, as in live
     * checks; then A dropped to 45 — under the cap: one alert.
     */
    assert.equal(response.body().backtest.fires, 1)
    assert.sameMembers(
      response.body().backtest.samples.map((sample: any) => sample.priceMinor),
      [4_500]
    )
    assert.lengthOf(await db.from('watch_rules'), 0, 'a preview saves nothing')
  })

  test('viewers cannot create rules', async ({ client }) => {
    const viewer = await createUser('viewer')
    const { eventId } = await eventWithListings()
    ;(
      await client
        .post('/watch-rules')
        .json(base(eventId))
        .loginAs(viewer)
        .withCsrfToken()
        .withInertia()
    ).assertStatus(403)
  })
})
