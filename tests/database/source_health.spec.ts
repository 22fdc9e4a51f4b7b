import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { HealthRecorder, percentileFromBuckets, sourceHealth } from '#monitoring/source_health'
import { createPlatform } from '#tests/helpers/market'

test.group('Source health', () => {
  test('outcomes and latencies add up across flushes (as from several workers)', async ({
    assert,
  }) => {
    const platform = await createPlatform()
    const at = new Date()
    const workerA = new HealthRecorder(60_000)
    const workerB = new HealthRecorder(60_000)
    for (let i = 0; i < 8; i++) workerA.record(platform.id, 'ok', 40, at)
    workerA.record(platform.id, 'failed', 3000, at)
    workerB.record(platform.id, 'ok', 200, at)
    workerB.record(platform.id, 'blocked', 80, at)
    await workerA.flush()
    await workerB.flush()
    workerA.record(platform.id, 'ok', 40, at)
    await workerA.flush()

    const rows = await db.from('platform_check_stats').where('platform_id', platform.id)
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].ok, 10)
    assert.equal(rows[0].failed, 1)
    assert.equal(rows[0].blocked, 1)

    const health = await sourceHealth(at)
    const row = health.platforms.find((item) => item.id === platform.id)!
    assert.equal(row.checks24h, 12)
    assert.closeTo(row.successRate!, 10 / 12, 1e-9)
    assert.equal(row.latencyMs.p50, 50)
    assert.equal(row.checksToday, 12)
  })

  test('percentiles come from the histogram buckets', ({ assert }) => {
    assert.isNull(percentileFromBuckets([0, 0, 0, 0, 0, 0, 0], 0.5))
    assert.equal(percentileFromBuckets([90, 5, 5, 0, 0, 0, 0], 0.5), 50)
    assert.equal(percentileFromBuckets([90, 5, 5, 0, 0, 0, 0], 0.95), 100)
    assert.equal(percentileFromBuckets([90, 5, 4, 0, 0, 0, 1], 0.995), Number.POSITIVE_INFINITY)
  })
})
