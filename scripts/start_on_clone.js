/*
|--------------------------------------------------------------------------
| The README's first command, `npm start`, on a clone
|--------------------------------------------------------------------------
|
| Copies the repository's files (tracked and new, as `git ls-files` lists
| them: no build/, no storage/, no .env) to a folder of its own, gives it the
| installed dependencies (hard links to this tree's node_modules: the
| install step itself is what CI's `npm ci` exercises), and runs `npm start` there as
| a new user would. Then: .env was written, the build made, the demo admin
| printed; that admin signs in; the sandbox's events are on the events page;
| the embedded runtime checks markets; SIGTERM ends it within 30 s.
|
| Usage: node scripts/start_on_clone.js
*/
import { execFileSync, spawn } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, dirname, join, matchesGlob } from 'node:path'

const root = new URL('../', import.meta.url).pathname
const work = mkdtempSync(join(tmpdir(), 'hdtickets-clone-'))
const clone = join(work, 'hdtickets')
let child = null
process.on('exit', () => {
  child?.kill('SIGKILL')
  rmSync(work, { recursive: true, force: true })
})

function fail(message, output = '') {
  console.error(`✖ ${message}${output ? `\n${output.slice(-4000)}` : ''}`)
  process.exit(1)
}

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/**
 * 1. The clone: the repository's files, nothing generated — what `git ls-files` lists, or, in a
 * copy without .git (CI runs the suite on a `git archive` of the commit), the tree minus what
 * .gitignore names.
 */
const files = isGitCheckout() ? gitFiles() : treeFiles()

function isGitCheckout() {
  try {
    execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root, stdio: 'ignore' })
    return existsSync(join(root, '.git'))
  } catch {
    return false
  }
}

function gitFiles() {
  return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean)
}

/** .gitignore's patterns as this repository writes them: names, paths, `*`, `!` exceptions. */
function treeFiles() {
  const rules = readFileSync(join(root, '.gitignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => ({ negate: line.startsWith('!'), glob: line.replace(/^!/, '') }))
  const ignored = (path) => {
    let result = false
    for (const { negate, glob } of rules) {
      const target = glob.includes('/') ? path : basename(path)
      if (matchesGlob(target, glob.replace(/^\//, ''))) result = !negate
    }
    return result
  }
  const found = []
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name
      if (entry.name === '.git' || ignored(path)) continue
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile()) found.push(path)
    }
  }
  walk('')
  return found
}

for (const file of files) {
  if (!existsSync(join(root, file))) continue
  mkdirSync(dirname(join(clone, file)), { recursive: true })
  copyFileSync(join(root, file), join(clone, file))
}
/**
 * The installed dependencies, hard-linked (not a symbolic link: an `npm ci`
 * in the copy must never empty this tree's node_modules through it).
 */
execFileSync('cp', ['-al', join(root, 'node_modules'), join(clone, 'node_modules')])
/** The copy stands for a finished install: its lock is not newer than the install's stamp. */
utimesSync(join(clone, 'package-lock.json'), new Date(0), new Date(0))
console.log(`✓ copied ${files.length} files to ${clone}`)

/** 2. npm start, as a new user runs it (no test settings in its environment). */
const port = await freePort()
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  PORT: String(port),
  SANDBOX_PORT: String(await freePort()),
}
const started = Date.now()
child = spawn('npm', ['start'], {
  cwd: clone,
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
})
let output = ''
child.stdout.on('data', (chunk) => (output += chunk))
child.stderr.on('data', (chunk) => (output += chunk))
let exited = null
child.on('exit', (code, signal) => (exited = { code, signal, at: Date.now() }))

const url = `http://127.0.0.1:${port}`
let ready = false
while (!ready && !exited && Date.now() - started < 300_000) {
  try {
    ready = (await fetch(`${url}/health/ready`)).status === 200
  } catch {}
  if (!ready) await new Promise((resolve) => setTimeout(resolve, 500))
}
if (!ready) fail('npm start on a clone did not answer /health/ready within 5 minutes', output)
console.log(`✓ npm start: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`)
if (!existsSync(join(clone, '.env'))) fail('npm start wrote no .env', output)
if (!existsSync(join(clone, 'build/bin/server.js'))) fail('npm start made no build', output)

const email = /email:\s+(\S+)/.exec(output)?.[1]
const password = /password:\s+(\S+)/.exec(output)?.[1]
if (!email || !password) fail('npm start printed no demo admin', output)

/** 3. The demo admin signs in (session cookie and XSRF token, as the browser does). */
const jar = new Map()
function remember(response) {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(';')
    const at = pair.indexOf('=')
    jar.set(pair.slice(0, at), pair.slice(at + 1))
  }
}
const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
const loginPage = await fetch(`${url}/login`, { redirect: 'manual' })
remember(loginPage)
if (loginPage.status !== 200) fail(`GET /login answered ${loginPage.status}`)
const login = await fetch(`${url}/login`, {
  method: 'POST',
  redirect: 'manual',
  headers: {
    'content-type': 'application/json',
    'cookie': cookieHeader(),
    'x-xsrf-token': decodeURIComponent(jar.get('XSRF-TOKEN') ?? ''),
  },
  body: JSON.stringify({ email, password }),
})
remember(login)
if (login.status !== 302 || login.headers.get('location') === '/login') {
  fail(
    `the printed demo admin could not sign in (${login.status} → ${login.headers.get('location')})`,
    output
  )
}
console.log(`✓ the printed demo admin (${email}) signs in`)

const { default: Database } = await import(join(root, 'node_modules/better-sqlite3/lib/index.js'))
const database = new Database(join(clone, 'storage/hdtickets.sqlite3'), { readonly: true })
const one = (sql) => {
  try {
    return database.prepare(sql).get() ?? null
  } catch {
    return null
  }
}
const event = one('SELECT name FROM events ORDER BY id LIMIT 1')
if (!event) fail('the demo has no events', output)
const events = await fetch(`${url}/events`, { headers: { cookie: cookieHeader() } })
const html = await events.text()
const escaped = event.name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
if (
  events.status !== 200 ||
  !(html.includes(escaped) || html.includes(JSON.stringify(event.name).slice(1, -1)))
) {
  fail(`the events page (${events.status}) does not show the demo's event "${event.name}"`)
}
console.log(`✓ the events page shows the sandbox's events ("${event.name}", …)`)

/** 4. The embedded runtime checks markets: some source gets a check time. */
const checked = () =>
  Number(one('SELECT COUNT(*) AS n FROM event_sources WHERE last_checked_at IS NOT NULL')?.n ?? 0)
let sources = 0
const watching = Date.now()
while ((sources = checked()) === 0 && Date.now() - watching < 90_000) {
  await new Promise((resolve) => setTimeout(resolve, 1000))
}
database.close()
if (sources === 0) fail('no market was checked within 90 s of start', output)
console.log(`✓ the embedded runtime checks markets (${sources} sources checked)`)

/** 5. SIGTERM (to npm and what it started) ends it within 30 s. */
const stopping = Date.now()
process.kill(-child.pid, 'SIGTERM')
while (!exited && Date.now() - stopping < 30_000)
  await new Promise((resolve) => setTimeout(resolve, 100))
if (!exited) fail('npm start did not end within 30 s of SIGTERM', output)
child = null
if (/Failed to load|ERR_MODULE_NOT_FOUND|"level":(50|60)/.test(output))
  fail('npm start logged errors', output)
console.log(`✓ SIGTERM ended it in ${exited.at - stopping} ms, with no error logged`)
