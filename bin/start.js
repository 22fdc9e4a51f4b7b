/*
|--------------------------------------------------------------------------
| npm start — HDTickets in one process, on SQLite, with a demo
|--------------------------------------------------------------------------
|
| 1. installs dependencies on a fresh clone (Node 24 comes with them),
| 2. writes .env from .env.example with a new APP_KEY if there is none,
| 3. builds the front end when it is missing or older than its sources,
| 4. migrates the database and seeds the demo (a new demo admin's password
|    is printed once, when it is created),
| 5. serves http://localhost:3333 — web, queue worker and scheduler in one
|    process (EMBEDDED=true).
|
*/
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ensureRuntime, root } from './bootstrap.js'

ensureRuntime(new URL(import.meta.url).pathname)

const { ensureEnvFile } = await import('./env_file_plain.js')
ensureEnvFile(new URL('../', import.meta.url))

function run(label, command, args) {
  console.log(`› ${label}`)
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env })
  if (result.status !== 0) {
    console.error(`✖ ${label} failed`)
    process.exit(result.status ?? 1)
  }
}

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

const manifest = join(root, 'public/assets/.vite/manifest.json')
const ssrManifest = join(root, 'public/assets/server/.vite/manifest.json')
const stale =
  !existsSync(manifest) ||
  !existsSync(ssrManifest) ||
  statSync(manifest).mtimeMs <
    Math.max(newestMtime(join(root, 'inertia')), statSync(join(root, 'vite.config.ts')).mtimeMs)
if (stale) run('Building the front end', 'vite', ['build', '--app', '--logLevel', 'warn'])

run('Migrating the database', 'node', ['ace', 'migration:run', '--force'])
run('Seeding the demo', 'node', ['ace', 'db:seed'])

console.log('› Starting HDTickets')
const server = spawn('node', ['--import=@poppinss/ts-exec', 'bin/server.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { EMBEDDED: 'true', ...process.env },
})
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.kill(signal))
}
server.on('exit', (code) => process.exit(code ?? 0))
