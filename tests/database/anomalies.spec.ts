import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { detectAndRaiseAnomalies } from '#alerts/anomaly_service'
import { createPlatform } from '#tests/helpers/market'
import { createUser } from '#tests/helpers/users'

test.group('Anomaly sweep', () => {
  test('a source whose success rate collapses raises one system alert per operator, with its figures', async ({
    assert,
  }) => {
    await db.from('alerts').delete()
    await db.from('platform_check_stats').delete()
    const admin = await createUser('admin')
    const member = await createUser('member')
    const platform = await createPlatform()
    const now = new Date()
    const hour = Math.floor(now.getTime() / 3_600_000) * 3_600_000
    for (let i = 24; i >= 1; i--) {
      await db.table('platform_check_stats').insert({
        platform_id: platform.id,
        bucket_start: new Date(hour - i * 3_600_000),
        ok: 98 + (i % 3),
        failed: 2,
      })
    }
    await db
      .table('platform_check_stats')
      .insert({ platform_id: platform.id, bucket_start: new Date(hour), ok: 20, failed: 80 })

    const first = await detectAndRaiseAnomalies(now)
    assert.isAbove(first.raised, 0)
    const alerts = await db.from('alerts').where('condition', 'source_success_drop')
    assert.sameMembers(
      alerts.map((row) => row.user_id),
      [admin.id]
    )
    assert.equal(alerts[0].type, 'system_alert')
    const reason = JSON.parse(alerts[0].reason)
    assert.isAbove(reason.median, reason.value)
    assert.notInclude(
      alerts.map((row) => row.user_id),
      member.id
    )

    const again = await detectAndRaiseAnomalies(now)
    assert.equal(again.raised, 0)
  })
})
