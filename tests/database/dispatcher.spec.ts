import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { dispatchDueChecks, rescaleIntervals } from '#monitoring/due_checks'
import { upsertEvent } from '#monitoring/event_catalogue'
import { createPlatform, normalisedEvent } from '#tests/helpers/market'

/** One due pair per importance (events of those importances), a second overdue: source id → importance. */
async function dueSources(platformId: number, importances: number[], now: Date) {
  const sources: Record<number, number> = {}
  for (const importance of importances) {
    const { eventId, sourceId } = await upsertEvent(platformId, normalisedEvent())
    await db.from('events').where('id', eventId).update({ importance })
    await db
      .from('event_sources')
      .where('id', sourceId)
      .update({ next_check_at: new Date(now.getTime() - 1000) })
    sources[sourceId] = importance
  }
  return sources
}

test.group('Check dispatcher', (group) => {
  group.each.setup(async () => {
    await db.from('queue_jobs').delete()
    await db.from('event_sources').delete()
    await db.from('events').delete()
  })

  test('dispatches the most important due pairs first, within the platform quota, and claims them', async ({
    assert,
  }) => {
    const platform = await createPlatform()
    await db.from('platforms').where('id', platform.id).update({ requests_per_second: 2 })
    const now = new Date()
    const sources = await dueSources(platform.id, [1, 5, 3, 5, 2], now)
    const { eventId: future } = await upsertEvent(platform.id, normalisedEvent())
    await db
      .from('event_sources')
      .where('event_id', future)
      .update({ next_check_at: new Date(now.getTime() + 60_000) })

    const dispatched = await dispatchDueChecks(now, 1000)
    assert.equal(dispatched, 2)
    const claimed = await db
      .from('event_sources')
      .where('next_check_at', '>', now)
      .whereNot('event_id', future)
      .select('id')
    assert.sameMembers(
      claimed.map((row) => sources[row.id]),
      [5, 5]
    )

    /** Claimed pairs are not dispatched again in the next window; the rest are, by importance. */
    const next = await dispatchDueChecks(new Date(now.getTime() + 1000), 1000)
    assert.equal(next, 2)
    const after = await db
      .from('event_sources')
      .where('next_check_at', '>', now)
      .whereNot('event_id', future)
      .select('id')
    assert.sameMembers(
      after.map((row) => sources[row.id]),
      [5, 5, 3, 2]
    )
  })

  test('backpressure: only as many pairs as there is room for beside those in flight, most urgent first', async ({
    assert,
  }) => {
    const platform = await createPlatform()
    await db.from('platforms').where('id', platform.id).update({ requests_per_second: 1000 })
    const now = new Date()
    const sources = await dueSources(platform.id, [1, 5, 3, 4, 2], now)
    /** Two pairs already claimed by an earlier tick, their checks not done */
    for (let i = 0; i < 2; i++) {
      const { sourceId } = await upsertEvent(platform.id, normalisedEvent())
      await db
        .from('event_sources')
        .where('id', sourceId)
        .update({
          next_check_at: new Date(now.getTime() + 60_000),
          claimed_until: now.getTime() + 60_000,
        })
    }
    /** An expired claim (its worker died) holds no room */
    const { sourceId: expired } = await upsertEvent(platform.id, normalisedEvent())
    await db
      .from('event_sources')
      .where('id', expired)
      .update({ next_check_at: new Date(now.getTime() + 60_000), claimed_until: now.getTime() - 1 })

    assert.equal(await dispatchDueChecks(now, 1000, 4), 2, 'room for 2 beside the 2 in flight')
    const claimed = await db
      .from('event_sources')
      .whereIn('id', Object.keys(sources).map(Number))
      .where('claimed_until', '>', now.getTime())
      .select('id')
    assert.sameMembers(
      claimed.map((row) => sources[row.id]),
      [5, 4]
    )
    assert.equal(await dispatchDueChecks(now, 1000, 4), 0, 'full: the rest wait in the table')
    const waiting = await db
      .from('event_sources')
      .whereIn('id', Object.keys(sources).map(Number))
      .whereNull('claimed_until')
      .count('* as total')
      .first()
    assert.equal(Number(waiting.total), 3)
  })

  test('a daily quota that is spent dispatches nothing', async ({ assert }) => {
    const platform = await createPlatform()
    await db
      .from('platforms')
      .where('id', platform.id)
      .update({ requests_per_second: 10, requests_per_day: 5 })
    const now = new Date()
    await db.table('platform_check_stats').insert({
      platform_id: platform.id,
      bucket_start: new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000),
      ok: 5,
    })
    const { sourceId } = await upsertEvent(platform.id, normalisedEvent())
    await db
      .from('event_sources')
      .where('id', sourceId)
      .update({ next_check_at: new Date(now.getTime() - 1000) })
    assert.equal(await dispatchDueChecks(now, 2000), 0)
  })

  test('the interval scale stretches a platform whose quota is too small for its pairs', async ({
    assert,
  }) => {
    const tight = await createPlatform()
    const roomy = await createPlatform()
    await db.from('platforms').where('id', tight.id).update({ requests_per_second: 0.001 })
    await db.from('platforms').where('id', roomy.id).update({ requests_per_second: 1000 })
    for (let i = 0; i < 5; i++) {
      await upsertEvent(tight.id, normalisedEvent())
      await upsertEvent(roomy.id, normalisedEvent())
    }
    await rescaleIntervals(new Date('2026-12-01T00:00:00Z'))
    const scales = await db
      .from('platforms')
      .whereIn('id', [tight.id, roomy.id])
      .orderBy('id')
      .select('interval_scale')
    assert.isAbove(Number(scales[0].interval_scale), 1)
    assert.isBelow(Number(scales[1].interval_scale), 1)
  })
})
