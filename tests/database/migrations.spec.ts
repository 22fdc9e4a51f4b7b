import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { MigrationRunner } from '@adonisjs/lucid/migration'
import env from '#start/env'

/** PostgreSQL lists tables per schema. */
function allTables() {
  return db
    .connection()
    .getAllTables(env.get('DB_CONNECTION', 'sqlite') === 'pg' ? ['public'] : undefined)
}

async function run(direction: 'up' | 'down') {
  const migrator = new MigrationRunner(db, app, {
    direction,
    ...(direction === 'down' ? { batch: 0 } : {}),
    dryRun: false,
    /**
     * Lucid's migration lock is GET_LOCK('1') / pg_advisory_lock(1): one key
     * for the whole database server, shared with other runs migrating their
     * own databases on it at the same time. This run's database is its own.
     */
    disableLocks: true,
  } as any)
  await migrator.run()
  if (migrator.error) throw migrator.error
  return migrator
}

test.group(`Migrations (${env.get('DB_CONNECTION', 'sqlite')})`, () => {
  test('every migration runs down and back up cleanly', async ({ assert }) => {
    const down = await run('down')
    assert.equal(down.status, 'completed')
    const tablesAfterDown = await allTables()
    for (const table of [
      'users',
      'events',
      'listings',
      'listing_changes',
      'purchase_requests',
      'audit_logs',
      'queue_jobs',
    ]) {
      assert.notInclude(tablesAfterDown, table)
    }
    const up = await run('up')
    assert.equal(up.status, 'completed')
    const tables = await allTables()
    for (const table of [
      'users',
      'auth_access_tokens',
      'platforms',
      'accounts',
      'account_sessions',
      'events',
      'event_sources',
      'listings',
      'listing_changes',
      'watch_rules',
      'alerts',
      'notifications',
      'notification_channels',
      'notification_deliveries',
      'purchase_requests',
      'orders',
      'audit_logs',
      'queue_jobs',
      'queue_schedules',
      'rate_limits',
      'locks',
      'sessions',
    ]) {
      assert.include(tables, table)
    }
  }).timeout(120_000)
})
