/**
 * Operations commands, run as an operator runs them (a child `node ace`):
 * db:backup, demo:reset, data:export / data:import.
 */
import { test } from '@japa/runner'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import app from '@adonisjs/core/services/app'
import hash from '@adonisjs/core/services/hash'
import db from '@adonisjs/lucid/services/db'
import Database from 'better-sqlite3'

const prefix = process.env.TEST_SQLITE_PREFIX ?? ''
const scratch = app.makePath('tmp', `${prefix}ops`)

function ace(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['ace', ...args], {
    cwd: app.makePath(),
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 90_000,
  })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

/** Rows of a query on another SQLite file, read-only (the app's connection stays on its own). */
function query(file: string, sql: string): any[] {
  const handle = new Database(file, { readonly: true })
  try {
    return handle.prepare(sql).all()
  } finally {
    handle.close()
  }
}

test.group('operations commands', (group) => {
  group.setup(() => {
    rmSync(scratch, { recursive: true, force: true })
    mkdirSync(scratch, { recursive: true })
    return () => rmSync(scratch, { recursive: true, force: true })
  })

  test('db:backup writes a consistent copy of the live SQLite database, and refuses to overwrite', async ({
    assert,
    cleanup,
  }) => {
    /** A row only this test wrote, so the copy is known to be of the live file (removed after: other suites list platforms). */
    const slug = `backup-${Date.now()}`
    await db.table('platforms').insert({
      slug,
      name: 'Backup probe',
      base_url: 'http://127.0.0.1',
      api_endpoints: '{}',
      scraper_config: '{}',
      capabilities: '{"discover":false,"market":false,"checkout":false,"listings":false}',
      requests_per_second: 1,
      enabled: false,
      created_at: new Date(),
    })
    cleanup(async () => {
      await db.from('platforms').where('slug', slug).delete()
    })
    const expected = await db.from('platforms').count('* as total').first()
    const target = `${scratch}/backup.sqlite3`
    const result = ace(['db:backup', `--out=${target}`])
    assert.equal(result.status, 0, result.output)
    assert.isTrue(existsSync(target))
    assert.equal(statSync(target).mode & 0o777, 0o600, 'only the owner reads a backup')
    const [copy] = query(target, 'select count(*) as total from platforms')
    assert.equal(Number(copy.total), Number(expected.total))
    const again = ace(['db:backup', `--out=${target}`])
    assert.equal(again.status, 1)
    assert.include(again.output, 'already exists')
  }).timeout(120_000)

  test('a new SQLite database file is created readable by its owner only (#12 item 16)', ({
    assert,
  }) => {
    const file = `${scratch}/fresh-${Date.now()}.sqlite3`
    const result = ace(['migration:run', '--force'], { SQLITE_PATH: file, DB_CONNECTION: 'sqlite' })
    assert.equal(result.status, 0, result.output)
    assert.equal(statSync(file).mode & 0o777, 0o600)
    for (const companion of [`${file}-wal`, `${file}-shm`])
      if (existsSync(companion)) assert.equal(statSync(companion).mode & 0o777, 0o600, companion)
  }).timeout(120_000)

  test('the demo admin: its password printed once when created, stored nowhere in plain text (#12 item 11)', async ({
    assert,
  }) => {
    const file = `${scratch}/demo-admin-${Date.now()}.sqlite3`
    const env = { SQLITE_PATH: file, DB_CONNECTION: 'sqlite', DEMO_ADMIN_PASSWORD: '' }
    writeFileSync(app.makePath('storage/demo-admin.txt'), 'admin@hdtickets.local\nold-plain-text\n')
    assert.equal(ace(['migration:run', '--force'], env).status, 0)
    const first = ace(['db:seed'], env)
    assert.equal(first.status, 0, first.output)
    const printed = /password: (\S+)/.exec(first.output)?.[1]
    assert.exists(printed, first.output)
    const [row] = query(file, "select password from users where email = 'admin@hdtickets.local'")
    assert.isTrue(await hash.verify(row.password, printed!), 'the printed password signs in')
    assert.notInclude(JSON.stringify(row), printed!)
    assert.isFalse(existsSync(app.makePath('storage/demo-admin.txt')), 'no plain-text copy')

    const again = ace(['db:seed'], env)
    assert.equal(again.status, 0, again.output)
    assert.notInclude(again.output, printed!, 'never printed a second time')
    assert.notMatch(again.output, /password:/)
  }).timeout(120_000)

  test('demo:reset asks first (refuses without a terminal), then with --force starts a fresh demo', async ({
    assert,
  }) => {
    const file = `${scratch}/demo.sqlite3`
    const env = {
      SQLITE_PATH: file,
      DEMO_ADMIN_EMAIL: 'demo@hdtickets.test',
      DEMO_ADMIN_PASSWORD: 'demo-password-123',
    }
    writeFileSync(file, '')
    assert.equal(ace(['migration:run', '--force'], env).status, 0)
    const refused = ace(['demo:reset'], env)
    assert.equal(refused.status, 1)
    assert.include(refused.output, 'Nothing changed')
    const reset = ace(['demo:reset', '--force'], env)
    assert.equal(reset.status, 0, reset.output)
    const users = query(file, 'select email, role from users')
    assert.deepEqual(users, [{ email: 'demo@hdtickets.test', role: 'admin' }])
    const platforms = query(file, "select slug from platforms where slug = 'sandbox'")
    assert.lengthOf(platforms, 1)
  }).timeout(180_000)

  test('data:export and data:import: a file out, a dry run back in, bad rows named', async ({
    assert,
  }) => {
    const file = `${scratch}/data.sqlite3`
    const env = {
      SQLITE_PATH: file,
      DEMO_ADMIN_EMAIL: 'ops@hdtickets.test',
      DEMO_ADMIN_PASSWORD: 'ops-password-123',
    }
    writeFileSync(file, '')
    assert.equal(ace(['migration:run', '--force'], env).status, 0)
    assert.equal(ace(['db:seed'], env).status, 0)
    const events = `${scratch}/events.csv`
    writeFileSync(
      events,
      'platform,externalId,name,status,startsAt\r\nsandbox,900001,"Knicks, at home",scheduled,2027-03-01T00:00:00.000Z\r\n'
    )
    const dry = ace(['data:import', 'events', events, '--dry-run'], env)
    assert.equal(dry.status, 0, dry.output)
    assert.include(dry.output, 'would create 1')
    const real = ace(['data:import', 'events', events], env)
    assert.equal(real.status, 0, real.output)
    const out = `${scratch}/events.json`
    const exported = ace(['data:export', 'events', `--out=${out}`], env)
    assert.equal(exported.status, 0, exported.output)
    const items = JSON.parse(readFileSync(out, 'utf8')).items
    assert.deepInclude(items, {
      platform: 'sandbox',
      externalId: '900001',
      url: null,
      name: 'Knicks, at home',
      sport: null,
      league: null,
      homeTeam: null,
      awayTeam: null,
      venue: null,
      city: null,
      country: null,
      startsAt: '2027-03-01T00:00:00.000Z',
      timezone: null,
      dateTbd: false,
      status: 'scheduled',
      onsaleAt: null,
      importance: 3,
    })
    writeFileSync(events, 'platform,externalId,name,status\r\nsandbox,900002,,scheduled\r\n')
    const bad = ace(['data:import', 'events', events], env)
    assert.equal(bad.status, 1)
    assert.include(bad.output, 'row 1 (name)')
  }).timeout(180_000)
})
