/*
|--------------------------------------------------------------------------
| npm start — HDTickets in one process, on SQLite, with a demo
|--------------------------------------------------------------------------
|
| 1. installs dependencies on a fresh clone (Node 24 comes with them),
| 2. writes .env from .env.example with a new APP_KEY on the first run
|    (the only place that ever writes .env),
| 3. builds the compiled server and the front end when a source changed
|    (bin/build.js: node ace build → build/),
| 4. migrates the database and seeds the demo (a new demo admin's password
|    is printed once, when it is created),
| 5. serves http://localhost:3333 from the build — web, monitoring runtime,
|    queue worker and the sandbox exchange in one process (EMBEDDED=true).
|
*/
import { spawn, spawnSync } from 'node:child_process'
import { ensureRuntime, root } from './bootstrap.js'

ensureRuntime(new URL(import.meta.url).pathname)

const { ensureEnvFile } = await import('./env_file_plain.js')
ensureEnvFile(new URL('../', import.meta.url))
const { ensureBuild } = await import('./build.js')
ensureBuild({ quiet: true })

/** The build reads the .env of the clone it was built in; data paths are relative to the clone. */
const env = { EMBEDDED: 'true', ...process.env, ENV_PATH: root }

function run(label, args) {
  console.log(`› ${label}`)
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env })
  if (result.status !== 0) {
    console.error(`✖ ${label} failed`)
    process.exit(result.status ?? 1)
  }
}

run('Migrating the database', ['build/ace.js', 'migration:run', '--force'])
run('Seeding the demo', ['build/ace.js', 'db:seed'])

console.log('› Starting HDTickets')
const server = spawn(process.execPath, ['build/bin/server.js'], {
  cwd: root,
  stdio: 'inherit',
  env,
})
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.kill(signal))
}
server.on('exit', (code) => process.exit(code ?? 0))
