import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { upsertEvent } from '#monitoring/event_catalogue'
import { writeMarket } from '#monitoring/market_writer'
import { createPlatform, normalisedEvent, normalisedListing, snapshot } from '#tests/helpers/market'

async function count(table: string, where: Record<string, unknown> = {}) {
  const row = await db.from(table).where(where).count('* as total').first()
  return Number(row.total)
}

test.group('Event catalogue', () => {
  test('the same platform event is upserted, never doubled', async ({ assert }) => {
    const platform = await createPlatform()
    const event = normalisedEvent()
    const first = await upsertEvent(platform.id, event)
    const again = await upsertEvent(platform.id, { ...event, status: 'postponed' })
    assert.equal(first.created, 'event')
    assert.equal(again.created, 'none')
    assert.equal(again.eventId, first.eventId)
    assert.equal(await count('event_sources', { platform_id: platform.id }), 1)
    const stored = await db.from('events').where('id', first.eventId).first()
    assert.equal(stored.status, 'postponed')
  })

  test('the same game from two platforms is linked to one event', async ({ assert }) => {
    const a = await createPlatform()
    const b = await createPlatform()
    const startsAt = '2027-02-01T01:00:00.000Z'
    const fromA = await upsertEvent(
      a.id,
      normalisedEvent({ name: 'Celtics vs Lakers', venue: 'TD Garden', startsAt })
    )
    const fromB = await upsertEvent(
      b.id,
      normalisedEvent({
        name: 'Lakers at Celtics',
        venue: 'TD Garden',
        startsAt: '2027-02-01T01:00:30.000Z',
      })
    )
    assert.equal(fromB.created, 'source')
    assert.equal(fromB.eventId, fromA.eventId)
    const other = await upsertEvent(
      b.id,
      normalisedEvent({
        name: 'Lakers at Celtics',
        venue: 'TD Garden',
        startsAt: '2027-02-03T01:00:00.000Z',
      })
    )
    assert.notEqual(other.eventId, fromA.eventId)
  })
})

test.group('Market writer', () => {
  test('writes listings and change-only history; an unchanged check writes no history row', async ({
    assert,
  }) => {
    const platform = await createPlatform()
    const event = normalisedEvent()
    const { eventId, sourceId } = await upsertEvent(platform.id, event)
    const source = { id: sourceId, eventId }

    const first = await writeMarket(
      source,
      snapshot(event, [normalisedListing('L1', 5000, 4), normalisedListing('L2', 8000, 2)]),
      new Date()
    )
    assert.deepEqual(
      first.changes.map((change) => change.kind),
      ['appeared', 'appeared']
    )
    assert.equal(await count('listings', { event_source_id: sourceId }), 2)
    assert.equal(await count('listing_changes', { event_source_id: sourceId }), 2)

    const unchanged = await writeMarket(
      source,
      snapshot(event, [normalisedListing('L1', 5000, 4), normalisedListing('L2', 8000, 2)]),
      new Date()
    )
    assert.lengthOf(unchanged.changes, 0)
    assert.equal(await count('listing_changes', { event_source_id: sourceId }), 2)

    const moved = await writeMarket(
      source,
      snapshot(event, [normalisedListing('L1', 4500, 4)]),
      new Date()
    )
    assert.deepEqual(moved.changes.map((change) => change.kind).sort(), ['gone', 'price_changed'])
    const l1 = await db
      .from('listings')
      .where({ event_source_id: sourceId, external_id: 'L1' })
      .first()
    const l2 = await db
      .from('listings')
      .where({ event_source_id: sourceId, external_id: 'L2' })
      .first()
    assert.equal(l1.price_minor, 4500)
    assert.equal(l2.status, 'gone')
    assert.equal(await count('listing_changes', { event_source_id: sourceId }), 4)

    const summary = await db.from('event_sources').where('id', sourceId).first()
    assert.equal(summary.min_price_minor, 4500)
    assert.equal(summary.listing_count, 1)
  })

  test('an event status change is recorded once', async ({ assert }) => {
    const platform = await createPlatform()
    const event = normalisedEvent({ status: 'onsale' })
    const { eventId, sourceId } = await upsertEvent(platform.id, event)
    const result = await writeMarket(
      { id: sourceId, eventId },
      snapshot({ ...event, status: 'postponed' }, null),
      new Date()
    )
    assert.deepEqual(result.statusChanged, { from: 'onsale', to: 'postponed' })
    await writeMarket(
      { id: sourceId, eventId },
      snapshot({ ...event, status: 'postponed' }, null),
      new Date()
    )
    assert.equal(await count('event_status_changes', { event_id: eventId }), 1)
  })
})
