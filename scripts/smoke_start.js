/*
|--------------------------------------------------------------------------
| Smoke start of the built server, as production runs it
|--------------------------------------------------------------------------
|
| 1. Without APP_KEY, `node build/bin/server.js` in production stops at
|    start-up naming APP_KEY, and writes no .env.
| 2. On a fresh SQLite file: the release step (`node build/ace.js
|    migration:run --force`), then `node build/bin/server.js` in the embedded
|    mode answers /health/ready and serves a server-rendered page; SIGTERM
|    ends it within 30 s. Prints boot time and resident memory.
|
| Usage: node scripts/smoke_start.js   (after `node ace build`)
*/
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('../', import.meta.url).pathname
const server = join(root, 'build/bin/server.js')
const ace = join(root, 'build/ace.js')
if (!existsSync(server)) {
  console.error('✖ no build: run `node ace build` first')
  process.exit(1)
}

const work = mkdtempSync(join(tmpdir(), 'hdtickets-smoke-'))
process.on('exit', () => rmSync(work, { recursive: true, force: true }))

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

function fail(message, output = '') {
  console.error(`✖ ${message}${output ? `\n${output.slice(-3000)}` : ''}`)
  process.exit(1)
}

const port = await freePort()
const base = {
  PATH: process.env.PATH,
  NODE_ENV: 'production',
  /** An empty folder: no .env is read, whatever the clone has. */
  ENV_PATH: work,
  HOST: '127.0.0.1',
  PORT: String(port),
  APP_URL: `http://127.0.0.1:${port}`,
  LOG_LEVEL: 'warn',
  DB_CONNECTION: 'sqlite',
  SQLITE_PATH: join(work, 'smoke.sqlite3'),
  SANDBOX_PORT: String(await freePort()),
  EMBEDDED: 'true',
}

/** 1. No APP_KEY: a clear stop, nothing written. */
const missing = spawnSync(process.execPath, [server], {
  cwd: work,
  env: base,
  encoding: 'utf8',
  timeout: 60_000,
})
const said = `${missing.stdout}${missing.stderr}`
if (missing.status === 0 || !/APP_KEY/.test(said))
  fail('without APP_KEY the server did not stop naming APP_KEY', said)
if (existsSync(join(work, '.env')) || existsSync(join(root, 'build/.env')))
  fail('the server wrote a .env')
console.log('✓ production without APP_KEY stops at start-up naming it, and writes no .env')

/** 2. Release step, then the server. */
const env = { ...base, APP_KEY: randomBytes(32).toString('base64url') }
const migrate = spawnSync(process.execPath, [ace, 'migration:run', '--force'], {
  cwd: work,
  env,
  encoding: 'utf8',
  timeout: 120_000,
})
if (migrate.status !== 0)
  fail('node build/ace.js migration:run --force failed', `${migrate.stdout}${migrate.stderr}`)
console.log('✓ release step: node build/ace.js migration:run --force')

const started = Date.now()
const child = spawn(process.execPath, [server], {
  cwd: work,
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
})
let output = ''
child.stdout.on('data', (chunk) => (output += chunk))
child.stderr.on('data', (chunk) => (output += chunk))
let exited = null
child.on('exit', (code, signal) => (exited = { code, signal, at: Date.now() }))

const url = `http://127.0.0.1:${port}`
let ready = false
while (!ready && Date.now() - started < 90_000 && !exited) {
  try {
    ready = (await fetch(`${url}/health/ready`)).status === 200
  } catch {}
  if (!ready) await new Promise((resolve) => setTimeout(resolve, 250))
}
if (!ready) {
  child.kill('SIGKILL')
  fail('the built server did not answer /health/ready with 200 within 90 s', output)
}
const bootMs = Date.now() - started
const page = await fetch(`${url}/login`)
const html = await page.text()
if (page.status !== 200 || !html.includes('data-page') || !html.includes('<form')) {
  child.kill('SIGKILL')
  fail(`GET /login answered ${page.status} without the server-rendered page`, html.slice(0, 500))
}
const rssMb =
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
console.log(
  `✓ node build/bin/server.js (embedded): ready in ${bootMs} ms, ${rssMb.toFixed(0)} MB resident; /login server-rendered`
)

const stopping = Date.now()
child.kill('SIGTERM')
while (!exited && Date.now() - stopping < 30_000)
  await new Promise((resolve) => setTimeout(resolve, 100))
if (!exited) {
  child.kill('SIGKILL')
  fail('SIGTERM did not end the built server within 30 s', output)
}
const errors = output
  .split('\n')
  .filter((line) => /Failed to load|ERR_MODULE_NOT_FOUND|"level":(50|60)/.test(line))
if (errors.length) fail('the built server logged errors', errors.join('\n'))
console.log(`✓ SIGTERM ended it in ${exited.at - stopping} ms, with no error logged`)
