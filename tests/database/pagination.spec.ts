import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { upsertEvent } from '#monitoring/event_catalogue'
import { paginate, parseListQuery } from '#api/pagination'
import { eventListQuery, eventListSpec } from '#api/lists/tickets'
import { createPlatform, normalisedEvent } from '#tests/helpers/market'

/**
 * The one pagination helper of /api/v1 on each database: keyset cursors over
 * timestamps (integers on SQLite, DATETIME on MariaDB, timestamptz on
 * PostgreSQL), ties, nulls last, both directions, with filters.
 */
test.group('API pagination helper', (group) => {
  group.each.setup(async () => {
    for (const table of [
      'alerts',
      'watch_rules',
      'listing_changes',
      'listings',
      'event_status_changes',
      'event_sources',
      'events',
    ])
      await db.from(table).delete()
  })

  async function walk(qs: Record<string, string>) {
    const names: string[] = []
    let cursor: string | null = null
    for (let pages = 0; pages < 20; pages++) {
      const list = parseListQuery(
        { ...qs, limit: '2', ...(cursor ? { cursor } : {}) },
        eventListSpec
      )
      const page = await paginate(
        eventListQuery(),
        list,
        eventListSpec,
        (row: any) => row.name as string
      )
      names.push(...page.data)
      cursor = page.meta.nextCursor
      if (!cursor) return names
    }
    throw new Error('paging did not end')
  }

  test('every row once, in order, across pages, for each sort and direction', async ({
    assert,
  }) => {
    const platform = await createPlatform()
    const same = new Date(Date.UTC(2027, 4, 1, 19, 30)).toISOString()
    const rows: Array<[string, string | null, string]> = [
      ['e1', new Date(Date.UTC(2027, 4, 3)).toISOString(), 'NBA'],
      ['e2', same, 'NHL'],
      ['e3', null, 'NBA'],
      ['e4', same, 'NBA'],
      ['e5', new Date(Date.UTC(2027, 3, 30)).toISOString(), 'NHL'],
      ['e6', null, 'NHL'],
      ['e7', same, 'NBA'],
    ]
    for (const [name, startsAt, league] of rows) {
      await upsertEvent(
        platform.id,
        normalisedEvent({ name, league, startsAt, dateTbd: startsAt === null })
      )
    }
    assert.deepEqual(await walk({}), ['e5', 'e2', 'e4', 'e7', 'e1', 'e3', 'e6'])
    assert.deepEqual(await walk({ sort: '-startsAt' }), ['e1', 'e7', 'e4', 'e2', 'e5', 'e6', 'e3'])
    assert.deepEqual(await walk({ sort: 'name' }), ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7'])
    assert.deepEqual(await walk({ sort: '-id' }), ['e7', 'e6', 'e5', 'e4', 'e3', 'e2', 'e1'])
    assert.deepEqual(await walk({ league: 'NBA' }), ['e4', 'e7', 'e1', 'e3'])
    assert.deepEqual(await walk({ from: '2027-05-01T00:00:00Z', to: '2027-05-02T00:00:00Z' }), [
      'e2',
      'e4',
      'e7',
    ])
  })
})
