/*
|--------------------------------------------------------------------------
| npm test — the whole suite, every pass
|--------------------------------------------------------------------------
|
| 1. sqlite   all suites (unit, connectors, functional, database) on SQLite
| 2. mysql    the database suite on MariaDB/MySQL    (database `test`)
| 3. pg       the database suite on PostgreSQL       (database `test`)
| 4. redis    database + functional suites with the Redis queue, limiter,
|             locks, SSE transport and session store
| 5. browser  the browser suite: the real app (test server, sandbox exchange,
|             its own fresh SQLite file) driven in Debian's Chromium through
|             playwright-core; screenshots in tmp/browser-artifacts/
| 6. process  the process suite: HDTickets' own processes (web, queue:work,
|             monitor:run, sandbox:serve) started from the build as children
|             on PostgreSQL and a Redis server of the test's own (the
|             redis-server binary), with faults injected — SIGKILLs, SIGTERMs
|             with work in hand, Redis stopped and restarted empty
|
| Before them, what CI checks of what ships:
| typecheck  tsc and vue-tsc
| lint       eslint, prettier --check, and no import cycle (bin/check_cycles.js)
| build      node ace build (when a source changed), and the build imports
|            only production dependencies (scripts/check_runtime_deps.js)
| smoke      the built server started as production runs it
|            (scripts/smoke_start.js)
| start      the README's `npm start` on a copy of the repository
|            (scripts/start_on_clone.js)
|
| The passes run in two lanes side by side (the test runner keeps one core
| busy at most, and the machine has two): first typecheck → build → smoke
| beside lint, then sqlite → mysql → pg → process beside start → browser →
| redis. Passes that share something stay in one lane (pg and process: the
| PostgreSQL database `test`); the HTTP passes get ports of their own. A
| pass's output is printed whole when it ends (streamed when it runs alone);
| TEST_SERIAL=1 runs every pass one after another, streamed.
|
| Under CI=true a service (or Chromium, for the browser pass) that cannot be
| reached fails the run. Elsewhere its pass is reported as NOT RUN (never
| counted as passed).
| Extra arguments go to every pass (e.g. `npm test -- --files=auth`).
|
*/
import { spawn } from 'node:child_process'
import { connect } from 'node:net'
import { existsSync, rmSync } from 'node:fs'
import { ensureRuntime, root } from './bootstrap.js'

ensureRuntime(new URL(import.meta.url).pathname)

const ci = process.env.CI === 'true' || process.env.CI === '1'
const extra = process.argv.slice(2)
const only = process.env.TEST_PASSES?.split(',')

/** TEST_SQLITE_PREFIX lets two runs on one machine keep apart (each pass empties its file). */
const sqliteFile = (name) => `tmp/${process.env.TEST_SQLITE_PREFIX ?? ''}${name}.sqlite3`

const services = {
  mysql: {
    host: process.env.TEST_MYSQL_HOST ?? '127.0.0.1',
    port: Number(process.env.TEST_MYSQL_PORT ?? 3306),
  },
  pg: {
    host: process.env.TEST_PG_HOST ?? '127.0.0.1',
    port: Number(process.env.TEST_PG_PORT ?? 5432),
  },
  redis: {
    host: process.env.TEST_REDIS_HOST ?? '127.0.0.1',
    port: Number(process.env.TEST_REDIS_PORT ?? 6379),
  },
}

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const node = process.execPath
const checks = [
  {
    name: 'typecheck',
    steps: [
      ['tsc', ['--noEmit']],
      ['vue-tsc', ['--noEmit', '-p', 'inertia/tsconfig.json']],
    ],
  },
  {
    name: 'lint',
    steps: [
      ['eslint', ['.']],
      ['prettier', ['--check', '--log-level=warn', '.']],
      [node, ['bin/check_cycles.js']],
    ],
  },
  {
    name: 'build',
    steps: [
      [node, ['bin/build.js']],
      [node, ['scripts/check_runtime_deps.js']],
    ],
  },
  { name: 'smoke', steps: [[node, ['scripts/smoke_start.js']]] },
  { name: 'start', steps: [[node, ['scripts/start_on_clone.js']]] },
]

/**
 * The checks of what ships run with the whole suite (as in CI); a run narrowed
 * to some files (`npm test -- --files=auth`) leaves them out, reported NOT RUN.
 */
const narrowed = extra.some((arg) => /^--(files|tests|groups|tags)\b/.test(arg))

/** The redis-server binary the process pass starts its own Redis with. */
function redisServerPath() {
  if (process.env.REDIS_SERVER_PATH) return process.env.REDIS_SERVER_PATH
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(`${dir}/redis-server`)) return `${dir}/redis-server`
  }
  return null
}

const pgEnv = {
  DB_CONNECTION: 'pg',
  DB_HOST: services.pg.host,
  DB_PORT: String(services.pg.port),
  DB_USER: process.env.TEST_PG_USER ?? 'postgres',
  DB_PASSWORD: process.env.TEST_PG_PASSWORD ?? '',
  DB_DATABASE: process.env.TEST_PG_DATABASE ?? 'test',
}

/** The test server's port of each HTTP pass (they run side by side): PORT, PORT+1, PORT+2. */
const basePort = Number(process.env.PORT ?? 3334)
const http = (offset) => ({
  PORT: String(basePort + offset),
  APP_URL: `http://localhost:${basePort + offset}`,
})

const passes = [
  ...checks.map((check) => ({ ...check, narrowed })),
  {
    name: 'sqlite',
    suites: ['unit', 'connectors', 'functional', 'database'],
    env: { DB_CONNECTION: 'sqlite', SQLITE_PATH: sqliteFile('test'), ...http(0) },
  },
  {
    name: 'mysql',
    service: 'mysql',
    suites: ['database'],
    env: {
      DB_CONNECTION: 'mysql',
      DB_HOST: services.mysql.host,
      DB_PORT: String(services.mysql.port),
      DB_USER: process.env.TEST_MYSQL_USER ?? 'root',
      DB_PASSWORD: process.env.TEST_MYSQL_PASSWORD ?? '',
      DB_DATABASE: process.env.TEST_MYSQL_DATABASE ?? 'test',
    },
  },
  {
    name: 'pg',
    service: 'pg',
    suites: ['database'],
    env: pgEnv,
  },
  {
    name: 'redis',
    service: 'redis',
    suites: ['database', 'functional'],
    env: {
      DB_CONNECTION: 'sqlite',
      SQLITE_PATH: sqliteFile('test-redis'),
      REDIS_HOST: services.redis.host,
      REDIS_PORT: String(services.redis.port),
      QUEUE_DRIVER: 'redis',
      LIMITER_STORE: 'redis',
      LOCK_STORE: 'redis',
      TRANSMIT_TRANSPORT: 'redis',
      SESSION_DRIVER: 'redis',
      ...http(1),
    },
  },
  {
    name: 'browser',
    needs: {
      what: 'Chromium',
      where: chromiumPath,
      present: () => existsSync(chromiumPath),
      install: 'apt-get install -y chromium',
    },
    suites: ['browser'],
    env: {
      DB_CONNECTION: 'sqlite',
      SQLITE_PATH: sqliteFile('test-browser'),
      CHROMIUM_PATH: chromiumPath,
      /** Sessions in the database, as `npm start` keeps them. */
      SESSION_DRIVER: 'database',
      ...http(2),
    },
  },
  {
    name: 'process',
    service: 'pg',
    needs: {
      what: 'redis-server',
      where: process.env.REDIS_SERVER_PATH ?? 'PATH',
      present: () => redisServerPath() !== null,
      install: 'apt-get install -y redis-server',
    },
    suites: ['process'],
    env: { ...pgEnv, REDIS_SERVER_PATH: redisServerPath() ?? '' },
  },
].filter((pass) => !only || only.includes(pass.name))

function reachable({ host, port }) {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 })
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => (socket.destroy(), resolve(false)))
  })
}

/**
 * Where a pass's output goes: straight to the terminal when it runs alone,
 * into a buffer printed whole when it ends when it runs beside another.
 */
function sink(stream) {
  let buffer = ''
  return {
    out: stream ? (chunk) => process.stdout.write(chunk) : (chunk) => void (buffer += chunk),
    err: stream ? (chunk) => process.stderr.write(chunk) : (chunk) => void (buffer += chunk),
    buffered: () => buffer,
  }
}

/** A child's output to the sink; resolves with its exit code and what it printed. */
function run(command, args, env, output) {
  return new Promise((resolve) => {
    let printed = ''
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.on('data', (chunk) => (output.out(chunk), (printed += chunk)))
    child.stderr.on('data', (chunk) => (output.err(chunk), (printed += chunk)))
    child.on('exit', (status) => resolve({ code: status ?? 1, printed }))
    child.on('error', (error) => (output.err(`${error.message}\n`), resolve({ code: 1, printed })))
  })
}

/** A check pass: its commands in order, each one passed or failed. */
async function runSteps(pass, output) {
  let passed = 0
  let failed = 0
  const env = { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '1' }
  for (const [command, args] of pass.steps) {
    const { code } = await run(command, args, env, output)
    if (code === 0) passed++
    else {
      failed++
      output.err(`✖ ${[command === node ? 'node' : command, ...args].join(' ')} failed (${code})\n`)
    }
  }
  return { code: failed ? 1 : 0, passed, failed }
}

async function runPass(pass, output) {
  if (pass.steps) return runSteps(pass, output)
  const args = [
    '--import=@poppinss/ts-exec',
    '--enable-source-maps',
    'bin/test.ts',
    ...pass.suites,
    ...extra,
  ]
  const env = {
    ...process.env,
    ...pass.env,
    NODE_ENV: 'test',
    FORCE_COLOR: process.env.FORCE_COLOR ?? '1',
  }
  const { code, printed } = await run('node', args, env, output)
  const plain = printed.replace(/\x1b\[[0-9;]*m/g, '')
  const line = plain.match(/Tests\s+(.*)\(\d+\)/)?.[1] ?? ''
  const passed = Number(line.match(/(\d+) passed/)?.[1] ?? 0)
  const failed = Number(line.match(/(\d+) failed/)?.[1] ?? 0)
  return { code, passed, failed, failures: failuresOf(plain) }
}

/**
 * The failing tests of a Japa run, as its reporter listed them at the end
 * (the ERRORS block), cut to a size a CI log's tail keeps: the summary
 * repeats them, so that the last screen of a failed run names what failed.
 */
function failuresOf(plain) {
  const start = plain.lastIndexOf('ERRORS')
  if (start < 0) return []
  const lines = plain.slice(start).split('\n')
  const end = lines.findIndex((text) => /^\s*Tests\s/.test(text))
  const block = lines.slice(0, end < 0 ? undefined : end)
  const kept = []
  for (const text of block) {
    if (/^\s*(⁃\s*)?at /.test(text) && !text.includes('tests/')) continue
    kept.push(text)
    if (kept.length >= 80) {
      kept.push('  … (the rest is in the pass output above)')
      break
    }
  }
  return kept
}

rmSync(`${root}${sqliteFile('test')}`, { force: true })
rmSync(`${root}${sqliteFile('test-redis')}`, { force: true })
rmSync(`${root}${sqliteFile('test-browser')}`, { force: true })

/** One pass, from its service check to its summary row. */
async function execute(pass, output) {
  const say = (line) => output.out(`${line}\n`)
  const complain = (line) => output.err(`${line}\n`)
  if (pass.service && !(await reachable(services[pass.service]))) {
    const where = `${services[pass.service].host}:${services[pass.service].port}`
    if (ci) {
      complain(
        `✖ ${pass.service} is not reachable at ${where}: under CI this is a failure, not a skip`
      )
      return { name: pass.name, status: 'FAILED (service missing)', passed: 0, failed: 1 }
    }
    complain(
      `⚠ ${pass.service} is not reachable at ${where}: pass NOT RUN (start it to run these tests)`
    )
    return { name: pass.name, status: 'NOT RUN', passed: 0, failed: 0 }
  }
  if (pass.needs && !pass.needs.present()) {
    if (ci) {
      complain(
        `✖ ${pass.needs.what} is missing at ${pass.needs.where}: under CI this is a failure, not a skip (${pass.needs.install})`
      )
      return {
        name: pass.name,
        status: `FAILED (${pass.needs.what} missing)`,
        passed: 0,
        failed: 1,
      }
    }
    complain(
      `⚠ ${pass.needs.what} is missing at ${pass.needs.where}: pass NOT RUN (${pass.needs.install})`
    )
    return { name: pass.name, status: 'NOT RUN', passed: 0, failed: 0 }
  }
  if (pass.narrowed) {
    say(`⚠ NOT RUN: a run narrowed to some files leaves out the ${pass.name} check`)
    return { name: pass.name, status: 'NOT RUN', passed: 0, failed: 0 }
  }
  const started = Date.now()
  const result = await runPass(pass, output)
  const ok = result.code === 0 && result.failed === 0 && result.passed > 0
  return {
    name: pass.name,
    status: ok ? 'ok' : 'FAILED',
    passed: result.passed,
    failed: result.failed || (ok ? 0 : 1),
    failures: result.failures ?? [],
    seconds: Math.round((Date.now() - started) / 100) / 10,
  }
}

/** The lanes of each phase, by pass name (see the header). */
const phases = [
  [['typecheck', 'build', 'smoke'], ['lint']],
  [
    ['sqlite', 'mysql', 'pg', 'process'],
    ['start', 'browser', 'redis'],
  ],
]
const laned = new Set(phases.flat(2))
for (const pass of passes) {
  if (!laned.has(pass.name)) throw new Error(`bin/run_tests.js: pass ${pass.name} has no lane`)
}
const serial = ['1', 'true'].includes(process.env.TEST_SERIAL ?? '')
const byName = new Map(passes.map((pass) => [pass.name, pass]))
const title = (pass) =>
  `\n━━ pass: ${pass.name} ${pass.steps ? `(${pass.steps.map(([command]) => (command === node ? 'node' : command)).join(', ')})` : `(${pass.suites.join(', ')})`} ━━`

const rows = new Map()
const wallStarted = Date.now()
for (const phase of phases) {
  const lanes = phase
    .map((lane) => lane.map((name) => byName.get(name)).filter(Boolean))
    .filter((lane) => lane.length > 0)
  const alone = serial || lanes.length <= 1
  const runLane = async (lane) => {
    for (const pass of lane) {
      if (alone) console.log(title(pass))
      else console.log(`▶ ${pass.name} started`)
      const output = sink(alone)
      const row = await execute(pass, output)
      rows.set(pass.name, row)
      if (!alone) {
        console.log(title(pass))
        process.stdout.write(output.buffered())
        console.log(
          `◀ ${pass.name}: ${row.status}${row.seconds === undefined ? '' : ` (${row.seconds} s)`}`
        )
      }
    }
  }
  if (alone) for (const lane of lanes) await runLane(lane)
  else await Promise.all(lanes.map(runLane))
}
const summary = passes.map((pass) => rows.get(pass.name))
const failedRun = summary.some((row) => row.status !== 'ok' && row.status !== 'NOT RUN')

console.log('\n━━ summary ━━')
for (const row of summary) {
  console.log(
    `  ${row.name.padEnd(10)} ${row.status.padEnd(24)} ${row.passed} passed, ${row.failed} failed${row.seconds === undefined ? '' : ` (${row.seconds} s)`}`
  )
}
for (const row of summary) {
  if (!row.failures?.length) continue
  console.log(`\n━━ what failed in ${row.name} ━━`)
  for (const text of row.failures) console.log(text)
}
const passed = summary.reduce((sum, row) => sum + row.passed, 0)
const failed = summary.reduce((sum, row) => sum + row.failed, 0)
console.log(
  `\n${passed} passed, ${failed} failed (${Math.round((Date.now() - wallStarted) / 1000)} s)`
)
process.exit(failedRun ? 1 : 0)
