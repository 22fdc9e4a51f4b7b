import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import WatchRuleService from '#alerts/watch_rule_service'
import { upsertEvent } from '#monitoring/event_catalogue'
import { writeMarket } from '#monitoring/market_writer'
import { dbTime } from '#purchasing/sql'
import { createUser } from '#tests/helpers/users'
import { createPlatform, normalisedEvent, normalisedListing, snapshot } from '#tests/helpers/market'

const HOUR = 3_600_000

async function reset() {
  for (const table of [
    'orders',
    'purchase_requests',
    'alert_outbox',
    'alerts',
    'watch_rules',
    'listing_changes',
    'listings',
    'event_status_changes',
    'event_sources',
    'events',
  ]) {
    await db.from(table).delete()
  }
  await User.query().delete()
}

function listing(ref: string, price: number, quantity: number, section: string) {
  return { ...normalisedListing(ref, price, quantity), section }
}

/** An event with three days of history: A in 101 gets cheaper, D (Floor, VIP) goes; E stays in 200. */
async function eventWithHistory(name = 'Analytics Game') {
  const platform = await createPlatform()
  const event = normalisedEvent({
    name,
    startsAt: new Date(Date.now() + 20 * 24 * HOUR).toISOString(),
  })
  const { eventId, sourceId } = await upsertEvent(platform.id, event)
  const source = { id: sourceId, eventId }
  const t = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR)
  await writeMarket(
    source,
    snapshot(event, [
      listing('A', 10_000, 2, '101'),
      listing('B', 12_000, 4, '101'),
      listing('C', 14_000, 2, '101'),
      listing('D', 30_000, 2, 'Floor, VIP'),
      listing('E', 20_000, 2, '200'),
    ]),
    t(72)
  )
  await writeMarket(
    source,
    snapshot(event, [
      listing('A', 9_000, 2, '101'),
      listing('B', 12_000, 4, '101'),
      listing('C', 14_000, 2, '101'),
      listing('D', 30_000, 2, 'Floor, VIP'),
      listing('E', 20_000, 2, '200'),
    ]),
    t(48)
  )
  await writeMarket(
    source,
    snapshot(event, [
      listing('A', 8_000, 2, '101'),
      listing('B', 12_000, 4, '101'),
      listing('C', 14_000, 2, '101'),
      listing('E', 20_000, 2, '200'),
    ]),
    t(24)
  )
  return { platform, eventId, sourceId }
}

test.group('Event page analytics', (group) => {
  group.each.setup(reset)

  test('price chart, availability, section spread, platforms and a deal score on every listing', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const { eventId, platform } = await eventWithHistory()
    const page = await client.get(`/events/${eventId}`).loginAs(user).withInertia()
    page.assertStatus(200)
    const props = page.body().props
    assert.equal(page.body().component, 'events/show')

    const [series] = props.chart.series
    assert.equal(series.platform, platform.slug)
    const lowest = series.points.map((point: [number, number | null]) => point[1])
    /** Starts before the history (nothing), then 100.00 → 90.00 → 80.00, ends at today's market. */
    assert.equal(lowest[0], null)
    assert.deepEqual(
      lowest.filter((value: number | null) => value !== null),
      [10_000, 9_000, 8_000, 8_000]
    )
    assert.deepEqual(
      props.chart.availability[props.chart.availability.length - 1].slice(1),
      [4, 10]
    )

    assert.deepEqual(
      props.spread.map((row: any) => [row.section, row.medianMinor]),
      [
        ['101', 12_000],
        ['200', 20_000],
      ]
    )
    assert.deepEqual(
      props.platforms.map((row: any) => [row.platform, row.lowestMinor, row.listings]),
      [[platform.slug, 8_000, 4]]
    )

    const cheapest = props.listings.find((row: any) => row.price.amountMinor === 8_000)
    const score = props.dealScores[cheapest.id]
    /** Only 2 others in 101: compared with the whole event (3 others), all dearer. */
    assert.equal(score.comparables.scope, 'event')
    assert.equal(score.comparables.count, 3)
    assert.deepEqual(
      score.comparables.sample.map((row: any) => row.priceMinor),
      [12_000, 14_000, 20_000]
    )
    assert.equal(score.comparables.shareAbove, 1)
    assert.isNotNull(score.score)
    assert.isAbove(score.explanation.length, 1)
  })

  test('an event without history says what to do instead of drawing an empty chart', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const platform = await createPlatform()
    const { eventId } = await upsertEvent(platform.id, normalisedEvent({ name: 'Quiet Game' }))
    const page = await client.get(`/events/${eventId}`).loginAs(user).withInertia()
    assert.deepEqual(page.body().props.chart.series, [])
    assert.deepEqual(page.body().props.dealScores, {})
    const html = await client.get(`/events/${eventId}`).loginAs(user)
    assert.include(html.text(), 'No price history yet')
    assert.include(html.text(), `/watch-rules/new?eventId=${eventId}`)
  })
})

test.group('Analytics page', (group) => {
  group.each.setup(reset)

  test('spend, funnel, deal scores of alerts, platform comparison and the buy-or-wait hint from the user’s own data', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const other = await createUser('member')
    const { eventId, platform } = await eventWithHistory()
    await new WatchRuleService().create(user, {
      name: 'Watch it',
      eventId,
      triggers: [{ kind: 'available' }],
    } as any)
    const cheapest = await db
      .from('listings')
      .where('event_id', eventId)
      .where('price_minor', 8_000)
      .first()
    const now = new Date()
    const connection = db.connection()
    const [alertId] = await db
      .table('alerts')
      .insert({
        user_id: user.id,
        event_id: eventId,
        listing_id: cheapest.id,
        type: 'price',
        condition: 'price_drop',
        dedupe_key: `t-${Date.now()}`,
        price_minor: 8_000,
        currency: 'USD',
        reason: JSON.stringify({ text: 'Dropped' }),
        detected_at: now,
        created_at: now,
      })
      .returning('id')
    await db.table('alerts').insert({
      user_id: user.id,
      event_id: eventId,
      type: 'price',
      condition: 'available',
      dedupe_key: `t2-${Date.now()}`,
      price_minor: null,
      currency: null,
      reason: '{}',
      detected_at: now,
      created_at: now,
    })
    const request = async (owner: number, status: string, fromAlert: boolean) => {
      const [row] = await db
        .table('purchase_requests')
        .insert({
          user_id: owner,
          alert_id: fromAlert ? (typeof alertId === 'object' ? alertId.id : alertId) : null,
          event_id: eventId,
          platform_id: platform.id,
          quantity: 2,
          max_price_minor: 9_000,
          currency: 'USD',
          status,
          idempotency_key: `k-${Math.random()}`,
          approved_at: status === 'succeeded' ? dbTime(connection, now) : null,
          created_at: dbTime(connection, now),
          updated_at: dbTime(connection, now),
        })
        .returning('id')
      return typeof row === 'object' ? row.id : row
    }
    const order = async (
      owner: number,
      requestId: number | null,
      total: number,
      status: string,
      placedAt: Date
    ) =>
      db.table('orders').insert({
        purchase_request_id: requestId,
        user_id: owner,
        platform_id: platform.id,
        event_id: eventId,
        idempotency_key: `o-${Math.random()}`,
        status,
        quantity: 2,
        unit_price_minor: total / 2,
        fees_minor: 0,
        total_minor: total,
        currency: 'USD',
        source: 'api',
        placed_at: dbTime(connection, placedAt),
        created_at: dbTime(connection, now),
        updated_at: dbTime(connection, now),
      })
    const placed = await request(user.id, 'succeeded', true)
    await request(user.id, 'cancelled', true)
    await order(user.id, placed, 16_000, 'placed', new Date('2026-10-15T12:00:00Z'))
    await order(user.id, null, 5_000, 'recorded', new Date('2026-11-02T12:00:00Z'))
    await order(user.id, null, 99_000, 'failed', new Date('2026-11-03T12:00:00Z'))
    await order(other.id, null, 77_000, 'placed', new Date('2026-11-03T12:00:00Z'))

    const page = await client.get('/analytics').loginAs(user).withInertia()
    page.assertStatus(200)
    assert.equal(page.body().component, 'analytics/index')
    const props = page.body().props

    assert.deepEqual(props.spend.byMonth, [
      { key: '2026-10', currency: 'USD', totalMinor: 16_000, orders: 1 },
      { key: '2026-11', currency: 'USD', totalMinor: 5_000, orders: 1 },
    ])
    assert.deepEqual(
      props.spend.byPlatform.map((row: any) => [row.key, row.totalMinor]),
      [[platform.name, 21_000]]
    )
    assert.deepEqual(
      props.funnel.map((stage: any) => [stage.stage, stage.count]),
      [
        ['alerts', 2],
        ['requests', 2],
        ['approved', 1],
        ['ordered', 1],
      ]
    )

    assert.lengthOf(props.alerts, 1)
    assert.equal(props.alerts[0].section, '101')
    assert.equal(props.alerts[0].deal.comparables.count, 3)
    assert.match(props.alerts[0].deal.explanation[0], /below the median/)

    assert.equal(props.comparison.eventId, eventId)
    assert.deepEqual(
      props.comparison.rows.map((row: any) => [row.platform, row.lowestMinor]),
      [[platform.name, 8_000]]
    )

    assert.equal(props.selected.kind, 'league')
    assert.equal(props.selected.name, 'NBA')
    assert.lengthOf(props.hints, 1)
    /** No past NBA event has history here: the hint says so, it does not guess. */
    assert.equal(props.hints[0].advice, 'dont_know')
    assert.equal(props.hints[0].samples, 0)
    assert.equal(props.backtest.verdict, 'not_enough_data')
    assert.isNull(props.backtest.cost)
    assert.isAbove(props.trend.length, 0)
    assert.isNull(props.calendarUrl)
  })

  test('a new user sees empty states that say what to do', async ({ client, assert }) => {
    const user = await createUser('viewer')
    const html = await client.get('/analytics').loginAs(user)
    html.assertStatus(200)
    assert.include(html.text(), 'No purchases yet')
    assert.include(html.text(), 'No upcoming watched event')
    assert.include(html.text(), 'Create calendar address')
  })

  test('a malformed filter is refused naming the field', async ({ client, assert }) => {
    const user = await createUser('member')
    const response = await client
      .get('/analytics?eventId=abc')
      .loginAs(user)
      .header('accept', 'application/json')
    response.assertStatus(422)
    assert.include(JSON.stringify(response.body()), 'eventId')
  })
})

test.group('CSV exports', (group) => {
  group.each.setup(reset)

  test('price history of an event: every change, escaped, oldest first', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const { eventId } = await eventWithHistory()
    const response = await client.get(`/events/${eventId}/price-history.csv`).loginAs(user)
    response.assertStatus(200)
    assert.match(response.header('content-type') ?? '', /^text\/csv/)
    assert.include(
      response.header('content-disposition') ?? '',
      `event-${eventId}-price-history.csv`
    )
    const lines = response.text().split('\r\n').filter(Boolean)
    assert.equal(
      lines[0],
      'observed_at,platform,listing_id,section,row,change,old_price,new_price,currency,old_quantity,new_quantity'
    )
    /** 5 appeared, A 100→90, A 90→80, D gone */
    assert.lengthOf(lines, 1 + 8)
    assert.match(lines[1], /,101,A,appeared,,100\.00,USD,,2$/)
    assert.isTrue(lines.some((line) => line.includes(',"Floor, VIP",A,appeared,,300.00,USD,,2')))
    assert.isTrue(lines.some((line) => line.includes(',price_changed,90.00,80.00,USD,2,2')))
    assert.isTrue(lines.some((line) => line.includes(',"Floor, VIP",A,gone,300.00,,USD,2,0')))

    await client
      .get('/events/999999/price-history.csv')
      .loginAs(user)
      .then((missing) => missing.assertStatus(404))
    const anonymous = await client.get(`/events/${eventId}/price-history.csv`).redirects(0)
    assert.equal(anonymous.status(), 302)
  })

  test('alerts and purchases: only the user’s own, with formula cells neutralised', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const other = await createUser('member')
    const { eventId, platform } = await eventWithHistory('Game, "quoted"')
    const now = new Date()
    await db.table('alerts').insert({
      user_id: user.id,
      event_id: eventId,
      type: 'price',
      condition: 'below',
      dedupe_key: 'a1',
      price_minor: 8_000,
      currency: 'USD',
      reason: JSON.stringify({ text: '=HYPERLINK("http://x")' }),
      detected_at: now,
      created_at: now,
    })
    await db.table('alerts').insert({
      user_id: other.id,
      event_id: eventId,
      type: 'price',
      condition: 'below',
      dedupe_key: 'a2',
      price_minor: 1,
      currency: 'USD',
      reason: '{"text":"not yours"}',
      detected_at: now,
      created_at: now,
    })
    const alerts = await client.get('/analytics/alerts.csv').loginAs(user)
    alerts.assertStatus(200)
    const alertLines = alerts.text().split('\r\n').filter(Boolean)
    assert.lengthOf(alertLines, 2)
    assert.include(alertLines[1], '"Game, ""quoted"""')
    assert.include(alertLines[1], `"'=HYPERLINK(""http://x"")"`)
    assert.include(alertLines[1], ',80.00,USD,')
    assert.notInclude(alerts.text(), 'not yours')

    const connection = db.connection()
    await db.table('purchase_requests').insert({
      user_id: user.id,
      event_id: eventId,
      platform_id: platform.id,
      quantity: 2,
      max_price_minor: 9_000,
      currency: 'USD',
      status: 'pending_approval',
      idempotency_key: 'p1',
      created_at: dbTime(connection, now),
      updated_at: dbTime(connection, now),
    })
    await db.table('purchase_requests').insert({
      user_id: other.id,
      event_id: eventId,
      platform_id: platform.id,
      quantity: 9,
      max_price_minor: 1,
      currency: 'USD',
      status: 'pending_approval',
      idempotency_key: 'p2',
      created_at: dbTime(connection, now),
      updated_at: dbTime(connection, now),
    })
    const purchases = await client.get('/analytics/purchases.csv').loginAs(user)
    const purchaseLines = purchases.text().split('\r\n').filter(Boolean)
    assert.equal(
      purchaseLines[0],
      'request_id,created_at,event,platform,status,quantity,max_price,currency,order_status,order_total,placed_at,external_order_id'
    )
    assert.lengthOf(purchaseLines, 2)
    assert.include(purchaseLines[1], `,pending_approval,2,90.00,USD,,,,`)
  })
})

test.group('Calendar feed', (group) => {
  group.each.setup(reset)

  test('a private, regenerable address; wrong tokens and old addresses answer 404', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const { eventId } = await eventWithHistory('Lakers, at Celtics')
    await new WatchRuleService().create(user, {
      name: 'Watch it',
      eventId,
      triggers: [{ kind: 'available' }],
    } as any)

    const none = await client.get(`/calendar/${user.id}/anything.ics`)
    none.assertStatus(404)

    await client.post('/analytics/calendar').loginAs(user).withCsrfToken().redirects(0)
    const first = (await client.get('/analytics').loginAs(user).withInertia()).body().props
      .calendarUrl as string
    assert.match(first, new RegExp(`/calendar/${user.id}/[A-Za-z0-9_-]{43}\\.ics$`))
    const path = new URL(first).pathname

    const feed = await client.get(path)
    feed.assertStatus(200)
    assert.match(feed.header('content-type') ?? '', /^text\/calendar/)
    assert.include(feed.text(), 'BEGIN:VCALENDAR\r\n')
    assert.include(feed.text(), `UID:event-${eventId}@`)
    assert.include(feed.text(), 'SUMMARY:Lakers\\, at Celtics\r\n')
    assert.include(feed.text(), 'Lowest price now: $80.00')

    const wrong = path.replace(/.{5}\.ics$/, 'AAAAA.ics')
    await client.get(wrong).then((response) => response.assertStatus(404))
    await client
      .get(path.replace(`/calendar/${user.id}/`, `/calendar/${user.id + 1}/`))
      .then((response) => response.assertStatus(404))

    await client.post('/analytics/calendar').loginAs(user).withCsrfToken().redirects(0)
    const second = (await client.get('/analytics').loginAs(user).withInertia()).body().props
      .calendarUrl as string
    assert.notEqual(second, first)
    await client.get(path).then((response) => response.assertStatus(404))
    await client.get(new URL(second).pathname).then((response) => response.assertStatus(200))
    /** Only the nonce is stored, never the token. */
    const row = await db.from('users').where('id', user.id).select('calendar_nonce').first()
    assert.notInclude(second, row.calendar_nonce)
  })
})

test.group('Deal scores on the alerts page', (group) => {
  group.each.setup(reset)

  test('each alert on a listing carries its deal score; others none', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const { eventId } = await eventWithHistory()
    const cheapest = await db
      .from('listings')
      .where('event_id', eventId)
      .where('price_minor', 8_000)
      .first()
    const now = new Date()
    await db.table('alerts').insert({
      user_id: user.id,
      event_id: eventId,
      listing_id: cheapest.id,
      type: 'price',
      condition: 'below',
      dedupe_key: 'd1',
      price_minor: 8_000,
      currency: 'USD',
      reason: '{"text":"cheap"}',
      detected_at: now,
      created_at: now,
    })
    await db.table('alerts').insert({
      user_id: user.id,
      event_id: eventId,
      type: 'system',
      condition: 'status',
      dedupe_key: 'd2',
      price_minor: null,
      currency: null,
      reason: '{"text":"status"}',
      detected_at: now,
      created_at: now,
    })
    const page = await client.get('/alerts').loginAs(user).withInertia()
    const props = page.body().props
    const [statusAlert, priceAlert] = props.alerts
    assert.isUndefined(props.dealScores[statusAlert.id])
    const deal = props.dealScores[priceAlert.id]
    assert.equal(deal.comparables.scope, 'event')
    assert.equal(deal.comparables.shareAbove, 1)
    /** History: the daily lowest was 100.00, 90.00 then 80.00 — 80.00 beats the first two, ties the rest. */
    assert.isAbove(deal.history.count, 2)
    assert.isAbove(deal.score, 80)
    assert.equal(deal.label, 'great')
    const html = await client.get('/alerts').loginAs(user)
    assert.include(html.text(), 'Great deal')
  })
})
