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
| lint       eslint and prettier --check
| build      node ace build (when a source changed), and the build imports
|            only production dependencies (scripts/check_runtime_deps.js)
| smoke      the built server started as production runs it
|            (scripts/smoke_start.js)
| start      the README's `npm start` on a copy of the repository
|            (scripts/start_on_clone.js)
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

const passes = [
  ...checks.map((check) => ({ ...check, narrowed })),
  {
    name: 'sqlite',
    suites: ['unit', 'connectors', 'functional', 'database'],
    env: { DB_CONNECTION: 'sqlite', SQLITE_PATH: sqliteFile('test') },
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

/** A check pass: its commands in order, each one passed or failed; output shown as it comes. */
async function runSteps(pass) {
  let passed = 0
  let failed = 0
  for (const [command, args] of pass.steps) {
    const code = await new Promise((resolve) => {
      const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: process.env })
      child.on('exit', (status) => resolve(status ?? 1))
      child.on('error', () => resolve(1))
    })
    if (code === 0) passed++
    else {
      failed++
      console.error(
        `✖ ${[command === node ? 'node' : command, ...args].join(' ')} failed (${code})`
      )
    }
  }
  return { code: failed ? 1 : 0, passed, failed }
}

function runPass(pass) {
  if (pass.steps) return runSteps(pass)
  return new Promise((resolve) => {
    const args = [
      '--import=@poppinss/ts-exec',
      '--enable-source-maps',
      'bin/test.ts',
      ...pass.suites,
      ...extra,
    ]
    const child = spawn('node', args, {
      cwd: root,
      env: {
        ...process.env,
        ...pass.env,
        NODE_ENV: 'test',
        FORCE_COLOR: process.env.FORCE_COLOR ?? '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (process.stdout.write(chunk), (output += chunk)))
    child.stderr.on('data', (chunk) => (process.stderr.write(chunk), (output += chunk)))
    child.on('exit', (code) => {
      const plain = output.replace(/\x1b\[[0-9;]*m/g, '')
      const line = plain.match(/Tests\s+(.*)\(\d+\)/)?.[1] ?? ''
      const passed = Number(line.match(/(\d+) passed/)?.[1] ?? 0)
      const failed = Number(line.match(/(\d+) failed/)?.[1] ?? 0)
      resolve({ code: code ?? 1, passed, failed })
    })
  })
}

rmSync(`${root}${sqliteFile('test')}`, { force: true })
rmSync(`${root}${sqliteFile('test-redis')}`, { force: true })
rmSync(`${root}${sqliteFile('test-browser')}`, { force: true })

const summary = []
let failedRun = false
for (const pass of passes) {
  console.log(
    `\n━━ pass: ${pass.name} ${pass.steps ? `(${pass.steps.map(([command]) => (command === node ? 'node' : command)).join(', ')})` : `(${pass.suites.join(', ')})`} ━━`
  )
  if (pass.service && !(await reachable(services[pass.service]))) {
    const where = `${services[pass.service].host}:${services[pass.service].port}`
    if (ci) {
      console.error(
        `✖ ${pass.service} is not reachable at ${where}: under CI this is a failure, not a skip`
      )
      summary.push({ name: pass.name, status: 'FAILED (service missing)', passed: 0, failed: 1 })
      failedRun = true
    } else {
      console.warn(
        `⚠ ${pass.service} is not reachable at ${where}: pass NOT RUN (start it to run these tests)`
      )
      summary.push({ name: pass.name, status: 'NOT RUN', passed: 0, failed: 0 })
    }
    continue
  }
  if (pass.needs && !pass.needs.present()) {
    if (ci) {
      console.error(
        `✖ ${pass.needs.what} is missing at ${pass.needs.where}: under CI this is a failure, not a skip (${pass.needs.install})`
      )
      summary.push({
        name: pass.name,
        status: `FAILED (${pass.needs.what} missing)`,
        passed: 0,
        failed: 1,
      })
      failedRun = true
    } else {
      console.warn(
        `⚠ ${pass.needs.what} is missing at ${pass.needs.where}: pass NOT RUN (${pass.needs.install})`
      )
      summary.push({ name: pass.name, status: 'NOT RUN', passed: 0, failed: 0 })
    }
    continue
  }
  if (pass.narrowed) {
    console.warn(`⚠ NOT RUN: a run narrowed to some files leaves out the ${pass.name} check`)
    summary.push({ name: pass.name, status: 'NOT RUN', passed: 0, failed: 0 })
    continue
  }
  const started = Date.now()
  const result = await runPass(pass)
  result.seconds = Math.round((Date.now() - started) / 100) / 10
  const ok = result.code === 0 && result.failed === 0 && result.passed > 0
  if (!ok) failedRun = true
  summary.push({
    name: pass.name,
    status: ok ? 'ok' : 'FAILED',
    passed: result.passed,
    failed: result.failed || (ok ? 0 : 1),
    seconds: result.seconds,
  })
}

console.log('\n━━ summary ━━')
for (const row of summary) {
  console.log(
    `  ${row.name.padEnd(10)} ${row.status.padEnd(24)} ${row.passed} passed, ${row.failed} failed${row.seconds === undefined ? '' : ` (${row.seconds} s)`}`
  )
}
const passed = summary.reduce((sum, row) => sum + row.passed, 0)
const failed = summary.reduce((sum, row) => sum + row.failed, 0)
console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failedRun ? 1 : 0)
