/**
 * The batched check path on each database (sqlite, mysql, pg passes): the
 * dispatcher's one-statement claim, a CheckMarkets batch that checks each
 * claimed pair once, a failing / rate-limited / malformed source that holds
 * back only itself, and deadlock retries.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { checkSources } from '#monitoring/check_market_service'
import { claimPairs, dispatchDueChecks } from '#monitoring/due_checks'
import { discoverEvents } from '#monitoring/discovery_service'
import { isDeadlock, transactionWithRetry } from '#monitoring/write_retry'
import { registry } from '#monitoring/metrics'
import { seedPlatforms, startTestSandbox } from '#tests/helpers/sandbox'
import { createWorker } from '#services/embedded_worker'

async function resetMarket() {
  await db.from('queue_jobs').delete()
  await db.from('alert_outbox').delete()
  await db.from('market_lowest_points').delete()
  await db.from('market_rollups').delete()
  await db.from('listing_changes').delete()
  await db.from('listings').delete()
  await db.from('event_status_changes').delete()
  await db.from('event_sources').delete()
  await db.from('events').delete()
}

test.group('Checks in batches', (group) => {
  let sandbox: Awaited<ReturnType<typeof startTestSandbox>>
  group.setup(async () => {
    await seedPlatforms()
    sandbox = await startTestSandbox({ events: 6 })
    return () => sandbox.stop()
  })
  group.each.setup(async () => {
    await resetMarket()
    /** Every source's event back on the exchange as it was (no fault left from an earlier test) */
    for (const event of sandbox.exchange.simulator.events())
      sandbox.exchange.setEventFault(event.id, null)
  })

  test('a failing, a rate-limited and a malformed source hold back only themselves; nothing of the malformed market is written', async ({
    assert,
  }) => {
    await discoverEvents('sandbox', {})
    const sources = await db.from('event_sources').orderBy('id').select('id', 'external_id')
    const ids = sources.map((source) => Number(source.id))
    const first = await checkSources(ids)
    assert.deepEqual(
      [...first.values()].map((outcome) => outcome.outcome),
      ids.map(() => 'done')
    )

    /** Every market moves (a price cut on a listing of each), then three sources go wrong. */
    for (const source of sources) {
      sandbox.exchange.mutate((simulator) => {
        const listing = simulator
          .listings(Number(source.external_id))
          .find((one) => one.available > 0)
        if (listing) simulator.setPrice(listing.id, Math.max(100, listing.retailCents - 500))
      })
    }
    const [malformed, failing, limited] = sources
    sandbox.exchange.setEventFault(Number(malformed.external_id), 'malformed')
    sandbox.exchange.setEventFault(Number(failing.external_id), 503)
    sandbox.exchange.setEventFault(Number(limited.external_id), 429)
    const listingsBefore = await db
      .from('listings')
      .where('event_source_id', malformed.id)
      .orderBy('id')
    const historyBefore = await db.from('listing_changes').count('* as total').first()
    const malformedBefore = await db
      .from('listing_changes')
      .where('event_source_id', malformed.id)
      .count('* as total')
      .first()

    const outcomes = await checkSources(ids)
    const bad = outcomes.get(Number(malformed.id))!
    assert.equal(bad.outcome, 'failed')
    if (bad.outcome === 'failed') {
      assert.equal(bad.reason, 'InvalidPayload')
      /** Names the source, the event and the field */
      assert.include(bad.error, 'sandbox')
      assert.include(bad.error, String(malformed.external_id))
      assert.match(bad.error, /listings|ticket_groups/)
    }
    assert.deepInclude(outcomes.get(Number(failing.id)), {
      outcome: 'failed',
      reason: 'Unavailable',
    })
    assert.deepInclude(outcomes.get(Number(limited.id)), { outcome: 'failed' })
    for (const source of sources.slice(3))
      assert.equal(outcomes.get(Number(source.id))!.outcome, 'done', String(source.id))

    const listingsAfter = await db
      .from('listings')
      .where('event_source_id', malformed.id)
      .orderBy('id')
    assert.deepEqual(listingsAfter, listingsBefore)
    const malformedHistory = await db
      .from('listing_changes')
      .where('event_source_id', malformed.id)
      .count('* as total')
      .first()
    assert.equal(Number(malformedHistory.total), Number(malformedBefore.total))
    const stored = await db.from('event_sources').where('id', malformed.id).first()
    assert.equal(Number(stored.consecutive_failures), 1)
    assert.include(stored.last_error, String(malformed.external_id))
    /** The healthy sources' cuts were written (change-only history) */
    const historyAfter = await db.from('listing_changes').count('* as total').first()
    assert.isAbove(Number(historyAfter.total), Number(historyBefore.total))
  }).timeout(30_000)

  test("a batch writes every changed market's rollup at once, the figures of its listings", async ({
    assert,
  }) => {
    await discoverEvents('sandbox', {})
    const sources = await db.from('event_sources').orderBy('id').select('id', 'external_id')
    const ids = sources.map((source) => Number(source.id))
    await checkSources(ids)
    for (const source of sources) {
      sandbox.exchange.mutate((simulator) => {
        const listing = simulator
          .listings(Number(source.external_id))
          .find((one) => one.available > 0)
        if (listing) simulator.setPrice(listing.id, Math.max(100, listing.retailCents - 700))
      })
    }
    await checkSources(ids)

    const expected = await db
      .from('listings')
      .where('status', 'available')
      .groupBy('event_source_id')
      .select('event_source_id')
      .min('price_minor as lowest')
      .count('* as listings')
      .sum('quantity as tickets')
    const rollups = await db.from('market_rollups').whereIn('event_source_id', ids)
    assert.lengthOf(rollups, ids.length)
    for (const row of expected) {
      const rollup = rollups.find(
        (one) => Number(one.event_source_id) === Number(row.event_source_id)
      )
      assert.deepEqual(
        [
          Number(rollup?.lowest_price_minor),
          Number(rollup?.available_listings),
          Number(rollup?.available_tickets),
        ],
        [Number(row.lowest), Number(row.listings), Number(row.tickets)],
        `source ${row.event_source_id}`
      )
    }
    /** Each market's lowest price is a point of its own, its latest the price now */
    for (const id of ids) {
      const latest = await db
        .from('market_lowest_points')
        .where('event_source_id', id)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .first()
      const rollup = rollups.find((one) => Number(one.event_source_id) === id)
      assert.equal(Number(latest?.lowest_price_minor), Number(rollup?.lowest_price_minor))
    }
  }).timeout(30_000)

  test('the dispatcher claims due pairs once; the batch checks each claimed pair once, a repeat of the job checks nothing', async ({
    assert,
    cleanup,
  }) => {
    await discoverEvents('sandbox', {})
    const now = new Date()
    await db.from('event_sources').update({ next_check_at: new Date(now.getTime() - 1000) })
    const ids = (await db.from('event_sources').orderBy('id').select('id')).map((row) =>
      Number(row.id)
    )

    const dispatched = await dispatchDueChecks(now, 60_000)
    assert.equal(dispatched, ids.length)
    /** On the database queue the batches are rows of its table (Redis keeps its own; the worker below runs them) */
    if (env.get('QUEUE_DRIVER', 'database') === 'database') {
      assert.isAbove((await db.from('queue_jobs').select('*')).length, 0)
    }
    const claims = await db.from('event_sources').select('id', 'claimed_until')
    const claim = Number(claims[0].claimed_until)
    assert.isAbove(claim, now.getTime())
    for (const row of claims) assert.equal(Number(row.claimed_until), claim)

    /** A second dispatcher (or the next tick) finds nothing to claim */
    assert.equal((await claimPairs(ids, now, claim + 1)).size, 0)
    assert.equal(await dispatchDueChecks(now, 60_000), 0)

    /** A queue worker runs the CheckMarkets jobs: every claimed pair is checked and released */
    const worker = await createWorker()
    cleanup(() => worker.stop())
    worker.start(['checks']).catch(() => {})
    const deadline = Date.now() + 20_000
    let pending = ids.length
    while (pending > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      const row = await db
        .from('event_sources')
        .whereNotNull('claimed_until')
        .count('* as total')
        .first()
      pending = Number(row.total)
    }
    assert.equal(pending, 0, 'the worker ran the batch jobs')
    const checked = await db.from('event_sources').whereNotNull('last_success_at').select('id')
    assert.lengthOf(checked, ids.length)
    const after = await db.from('event_sources').select('claimed_until', 'next_check_at')
    for (const row of after) {
      assert.isNull(row.claimed_until)
      assert.isAbove(new Date(row.next_check_at).getTime(), now.getTime())
    }
    const again = await checkSources(ids, now, { claim })
    assert.deepEqual(
      [...again.values()].map((outcome) => outcome.outcome),
      ids.map(() => 'skipped')
    )
  }).timeout(30_000)

  test('a deadlocked batch write is rolled back, retried and counted', async ({ assert }) => {
    assert.isTrue(isDeadlock({ code: '40P01' }))
    assert.isTrue(isDeadlock({ code: 'ER_LOCK_DEADLOCK', errno: 1213 }))
    assert.isFalse(isDeadlock({ code: '23505' }))
    await discoverEvents('sandbox', {})
    const source = await db.from('event_sources').orderBy('id').first()
    let attempts = 0
    await transactionWithRetry(async (trx) => {
      attempts++
      await trx
        .from('event_sources')
        .where('id', source.id)
        .update({ last_error: `try ${attempts}` })
      if (attempts === 1) throw Object.assign(new Error('deadlock detected'), { code: '40P01' })
    })
    assert.equal(attempts, 2)
    const stored = await db.from('event_sources').where('id', source.id).first()
    assert.equal(stored.last_error, 'try 2')
    const metrics = await registry.getSingleMetricAsString('hdtickets_db_deadlocks_total')
    assert.match(metrics, /hdtickets_db_deadlocks_total\{dialect="[^"]+"\} [1-9]/)
    /** Anything else is not retried */
    let others = 0
    await assert.rejects(() =>
      transactionWithRetry(async () => {
        others++
        throw new Error('no such column')
      })
    )
    assert.equal(others, 1)
  })
})
