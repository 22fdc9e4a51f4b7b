/*
|--------------------------------------------------------------------------
| npm run bench — performance figures measured on the real code
|--------------------------------------------------------------------------
|
| Starts the sandbox exchange in its own process (not counted), runs the
| check pipeline against it in another (bench:pipeline), the same pipeline in
| the scaled topology (bench/scaled.ts: PostgreSQL, Redis, a monitor and 2
| workers), runs the scheduler simulation, the alert → webhook fan-out
| (bench/notifications.js), and prints a table — or, with --json, one JSON
| object with the DESIGN §5 keys it measured (a key it did not measure is absent).
|
*/
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { parseArgs } from 'node:util'
import { ensureRuntime, root } from './bootstrap.js'

ensureRuntime(new URL(import.meta.url).pathname)
const { exampleEnv } = await import('./env_file_plain.js')
/** No .env yet (a fresh clone): the example's settings, in memory only (only `npm start` writes .env). */
if (!existsSync(`${root}.env`)) {
  Object.assign(process.env, { ...exampleEnv(new URL('../', import.meta.url)), ...process.env })
}

const { values: opts } = parseArgs({
  options: {
    'events': { type: 'string', default: '10000' },
    'listings': { type: 'string', default: '50' },
    'pace': { type: 'string', default: '100' },
    'duration': { type: 'string', default: '20' },
    'concurrency': { type: 'string', default: '4' },
    'only': {
      type: 'string',
      default: 'pipeline,scaled,simulation,api,analytics,advice,notifications',
    },
    'db': { type: 'string', default: 'sqlite' },
    'queue': { type: 'string', default: 'database' },
    'profile-worker': { type: 'boolean', default: false },
    'json': { type: 'boolean', default: false },
    'help': { type: 'boolean', default: false },
  },
})

if (opts.help) {
  console.log(`npm run bench -- [options]

  --events N        sandbox events (default 10000)
  --listings N      listings per event (default 50)
  --pace N          market changes per second across the sandbox (default 100)
  --duration S      seconds to measure the pipeline (default 20)
  --concurrency N   batches of checks (CheckMarkets jobs of 50 pairs) in flight (default 4)
  --only LIST       parts to run, comma-separated: pipeline, scaled, simulation, api,
                    analytics, advice, notifications (default: all)
  --db NAME         sqlite | pg | mysql (default sqlite; pg/mysql: the bench's own database, below)
  --queue NAME      database | redis (default database)
  --profile-worker  scaled: the first worker runs with --cpu-prof (tmp/bench-scaled-profile/)
  --json            print one JSON object instead of the table
  --help            this text

Everything runs the compiled build (build/, rebuilt first when a source is newer),
as production does. The sandbox exchange runs in its own process and is not counted. The pipeline
process empties and migrates the benchmark's own database: tmp/bench.sqlite3,
or on pg/mysql the database BENCH_DB_DATABASE (default "hdtickets_bench",
created if missing; DB_HOST, DB_PORT, DB_USER, DB_PASSWORD say where). It
never touches DB_DATABASE or any other database.

The scaled part (bench/scaled.ts) starts the README's scaled deployment from
the build: one monitor (monitor:run) and 2 workers (queue:work), on
PostgreSQL — its own database BENCH_SCALED_DB_DATABASE (default
"hdtickets_bench_scaled", created if missing, emptied) on the same server —
and a redis-server of its own (a free port; TEST_PORT_RANGE narrows it). It
counts the checks and the pairs checked twice within their interval from
the sandbox exchange's request log (tmp/bench-scaled-requests.log).`)
  process.exit(0)
}

for (const name of ['events', 'listings', 'pace', 'duration', 'concurrency']) {
  if (!/^\d+$/.test(opts[name]) || Number(opts[name]) <= 0) {
    console.error(`--${name} must be a positive whole number (got "${opts[name]}")`)
    process.exit(1)
  }
}
if (!['sqlite', 'pg', 'mysql'].includes(opts.db)) {
  console.error(`--db must be sqlite, pg or mysql (got "${opts.db}")`)
  process.exit(1)
}
const PARTS = ['pipeline', 'scaled', 'simulation', 'api', 'analytics', 'advice', 'notifications']
const only = new Set(opts.only.split(',').map((part) => part.trim()))
for (const part of only) {
  if (!PARTS.includes(part)) {
    console.error(`--only takes ${PARTS.join(', ')} (got "${part}")`)
    process.exit(1)
  }
}
if (!['database', 'redis'].includes(opts.queue)) {
  console.error(`--queue must be database or redis (got "${opts.queue}")`)
  process.exit(1)
}

const say = (line) => {
  if (!opts.json) console.log(line)
  else console.error(line)
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/**
 * The benchmark's own database on pg/mysql (emptied by every run): never the
 * one DB_DATABASE names, which may be an installation's or the test suite's.
 */
const benchDatabase = process.env.BENCH_DB_DATABASE ?? 'hdtickets_bench'

const dbEnv = {
  sqlite: { DB_CONNECTION: 'sqlite', SQLITE_PATH: 'tmp/bench.sqlite3' },
  pg: {
    DB_CONNECTION: 'pg',
    DB_HOST: process.env.DB_HOST ?? '127.0.0.1',
    DB_PORT: process.env.DB_PORT ?? '5432',
    DB_USER: process.env.DB_USER ?? 'postgres',
    DB_DATABASE: benchDatabase,
  },
  mysql: {
    DB_CONNECTION: 'mysql',
    DB_HOST: process.env.DB_HOST ?? '127.0.0.1',
    DB_PORT: process.env.DB_PORT ?? '3306',
    DB_USER: process.env.DB_USER ?? 'root',
    DB_DATABASE: benchDatabase,
  },
}[opts.db]

/** Creates the bench's database when it is missing (bench/bench_database.ts). */
async function ensureBenchDatabase() {
  if (opts.db === 'sqlite') return
  const created = await ensureDatabase(
    opts.db,
    {
      host: dbEnv.DB_HOST,
      port: Number(dbEnv.DB_PORT),
      user: dbEnv.DB_USER,
      password: process.env.DB_PASSWORD,
    },
    benchDatabase
  )
  if (created) say(`› created the bench database "${benchDatabase}"`)
}

const childEnv = {
  ...process.env,
  ...dbEnv,
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  EMBEDDED: 'false',
  QUEUE_DRIVER: opts.queue,
  LOCK_STORE: opts.queue === 'redis' ? 'redis' : 'memory',
  LIMITER_STORE: 'memory',
  TRANSMIT_TRANSPORT: 'memory',
}

/** The figures are those of the code production runs: the compiled build, never the TypeScript loader. */
const { ensureBuild } = await import('./build.js')
ensureBuild({ say, quiet: opts.json })
const { commitAndMachine } = await import('../build/bench/provenance.js')
const { checkBenchDatabaseName, ensureDatabase } = await import('../build/bench/bench_database.js')
const { startSandbox } = await import('../build/bench/processes.js')

if (opts.db !== 'sqlite') {
  const problem = checkBenchDatabaseName(benchDatabase, 'BENCH_DB_DATABASE')
  if (problem) {
    console.error(problem)
    process.exit(1)
  }
}
mkdirSync(`${root}tmp`, { recursive: true })
try {
  await ensureBenchDatabase()
} catch (error) {
  console.error(`the bench database "${benchDatabase}" could not be created: ${error.message}`)
  process.exit(1)
}

/** The pipeline's sandbox exchange (the scaled part starts its own, with a request log). */
let sandbox = null
let sandboxUrl = null
if (only.has('pipeline')) {
  say(
    `› sandbox exchange: ${opts.events} events × ${opts.listings} listings, ${opts.pace} changes/s (own process)`
  )
  ;({ child: sandbox, url: sandboxUrl } = await startSandbox({
    cwd: root,
    env: childEnv,
    port: await freePort(),
    events: Number(opts.events),
    listings: Number(opts.listings),
    pace: Number(opts.pace),
  }))
}
const stopSandbox = () => sandbox?.process.kill('SIGTERM')
process.on('exit', stopSandbox)

const results = { ...commitAndMachine() }
try {
  const out = `${root}tmp/bench-pipeline.json`
  if (only.has('pipeline')) {
    rmSync(out, { force: true })
    say(`› check pipeline on ${opts.db} for ${opts.duration} s (concurrency ${opts.concurrency})`)
    const pipeline = spawn(
      process.execPath,
      [
        'build/bench/ace.js',
        'bench:pipeline',
        `--sandbox-url=${sandboxUrl}`,
        `--duration=${opts.duration}`,
        `--concurrency=${opts.concurrency}`,
        `--out=${out}`,
      ],
      { cwd: root, env: childEnv, stdio: ['ignore', opts.json ? 'ignore' : 'inherit', 'inherit'] }
    )
    const code = await new Promise((resolve) => pipeline.on('exit', resolve))
    if (code !== 0 || !existsSync(out)) throw new Error(`bench:pipeline failed (${code})`)
    Object.assign(results, JSON.parse(readFileSync(out, 'utf8')))
  }

  /** The scheduler simulation (bench/staleness.ts, compiled): pure, no database, no sandbox. */
  if (only.has('simulation')) {
    say('› scheduler simulation (importance-weighted staleness, same quota)')
    const sim = spawn(process.execPath, ['build/bench/staleness.js', '--json'], {
      cwd: root,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let text = ''
    sim.stdout.on('data', (chunk) => (text += chunk))
    const simCode = await new Promise((resolve) => sim.on('exit', resolve))
    if (simCode === 0) Object.assign(results, JSON.parse(text.trim().split('\n').pop()))
  }

  /** GET /api/v1/tickets at a fixed rate (bench/commands/bench_api.ts; its own database file on SQLite). */
  const apiOut = `${root}tmp/bench-api.json`
  rmSync(apiOut, { force: true })
  if (only.has('api')) {
    say(
      `› GET /api/v1/tickets at 200 req/s, ${opts.events} events, ${opts.duration} s (load from another process)`
    )
    const api = spawn(
      process.execPath,
      [
        'build/bench/ace.js',
        'bench:api',
        `--events=${opts.events}`,
        '--rate=200',
        `--duration=${opts.duration}`,
        `--out=${apiOut}`,
      ],
      {
        cwd: root,
        env: {
          ...childEnv,
          ...(opts.db === 'sqlite' ? { SQLITE_PATH: 'tmp/bench-api.sqlite3' } : {}),
        },
        stdio: ['ignore', opts.json ? 'ignore' : 'inherit', 'inherit'],
      }
    )
    const apiCode = await new Promise((resolve) => api.on('exit', resolve))
    if (apiCode === 0 && existsSync(apiOut))
      Object.assign(results, JSON.parse(readFileSync(apiOut, 'utf8')))
    else say(`bench:api failed (${apiCode}); api_tickets_p95_ms not measured`)
  }
} finally {
  stopSandbox()
}

/**
 * The same pipeline in the scaled topology (bench/scaled.ts): PostgreSQL,
 * Redis of its own, 1 monitor and 2 workers from the build, its own sandbox.
 */
if (only.has('scaled')) {
  const { runScaledBench } = await import('../build/bench/scaled.js')
  try {
    Object.assign(
      results,
      await runScaledBench({
        root,
        baseEnv: { ...process.env },
        say,
        events: Number(opts.events),
        listings: Number(opts.listings),
        pace: Number(opts.pace),
        durationS: Number(opts.duration),
        profileWorker: opts['profile-worker'],
      })
    )
  } catch (error) {
    say(`scaled bench failed (${error.message}); its figures are absent`)
  }
}

/** Analytics: price_chart_p95_ms, the dashboard (200 req/s, max rate) and 2,000 SSE clients on a seeded history (bench/analytics.js), sandbox stopped. */
if (only.has('analytics')) {
  const { runAnalyticsBench } = await import('../bench/analytics.js')
  Object.assign(results, await runAnalyticsBench({ root, baseEnv: childEnv, say }))
}
/** Buy or wait: the advice against "always buy now" and "always wait" on held-back played games (bench/advice.js). */
if (only.has('advice')) {
  const { runAdviceBench } = await import('../bench/advice.js')
  Object.assign(results, await runAdviceBench({ root, baseEnv: childEnv, say }))
}
// Alert → webhook fan-out (bench/notifications.js): its own receiver process, its own run of the app.
if (only.has('notifications')) {
  const { runNotificationsBench } = await import('../bench/notifications.js')
  Object.assign(results, await runNotificationsBench({ root, env: childEnv, say, json: opts.json }))
}

const targets = {
  checks_per_s: '≥ 2000',
  scaled_checks_per_s: '≥ checks_per_s',
  scaled_duplicate_checks: '0',
  cpu_ms_per_check: '≤ 0.5',
  history_rows_per_unchanged_check: '0',
  check_to_alert_p99_ms: '≤ 250',
  change_to_alert_over_interval_p99_ms: '≤ 250',
  approve_to_order_p99_ms: '≤ 300',
  staleness_ratio_vs_round_robin: '≥ 2',
  rss_mb: '≤ 300',
  api_tickets_p95_ms: '≤ 20',
  price_chart_p95_ms: '≤ 50',
  dashboard_200rps_p95_ms: '≤ 50',
  dashboard_max_rps: '≥ 500',
  sse_2000_clients_ms: '≤ 1000',
  webhook_deliveries_per_s: '',
  alert_to_webhook_p99_ms: '≤ 250',
  advice_margin: '> 0 (90 % interval, per league)',
}
if (opts.json) {
  console.log(JSON.stringify(results))
} else {
  console.log('\n  figure                              measured      target')
  for (const [key, value] of Object.entries(results)) {
    if (typeof value === 'object') continue
    console.log(`  ${key.padEnd(36)}${String(value).padEnd(14)}${targets[key] ?? ''}`)
  }
  console.log(`\n${JSON.stringify(results)}`)
}
process.exit(0)
