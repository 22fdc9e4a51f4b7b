/*
|--------------------------------------------------------------------------
| The production build, kept fresh (plain JavaScript: runs on any Node)
|--------------------------------------------------------------------------
|
| HDTickets runs compiled JavaScript everywhere outside development and the
| tests: `node ace build` writes build/ (server, commands, migrations, the
| front end and its SSR bundle). `npm start` and `npm run bench` call
| ensureBuild(), which rebuilds when any source is newer than the last build.
|
*/
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { root } from './bootstrap.js'

/** Everything the build is made from. */
const SOURCES = [
  'app',
  'bench',
  'bin',
  'commands',
  'config',
  'database',
  'inertia',
  'providers',
  'resources',
  'sandbox',
  'start',
  'types',
  'public',
  'adonisrc.ts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'vite.config.ts',
]
export const buildDir = join(root, 'build')
const stamp = join(buildDir, '.built')

function newestMtime(path) {
  if (!existsSync(path)) return 0
  const stats = statSync(path)
  if (!stats.isDirectory()) return stats.mtimeMs
  /** public/ itself changes when the build replaces public/assets in it */
  let newest = path === join(root, 'public') ? 0 : stats.mtimeMs
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    /** The front end's own output lands in public/assets: not a source. */
    if (path === join(root, 'public') && entry.name === 'assets') continue
    newest = Math.max(newest, newestMtime(join(path, entry.name)))
  }
  return newest
}

/** Whether build/ is missing or older than a source. */
export function buildIsStale() {
  if (!existsSync(stamp)) return true
  const built = statSync(stamp).mtimeMs
  return SOURCES.some((source) => newestMtime(join(root, source)) > built)
}

/**
 * Builds when the sources changed since the last build. Exits the process
 * with the build's status when it fails.
 */
export function ensureBuild({ say = console.log, quiet = false, force = false } = {}) {
  if (!force && !buildIsStale()) return false
  say('› Building HDTickets (compiled JavaScript and the front end)')
  const started = Date.now()
  const result = spawnSync(process.execPath, ['ace', 'build'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
  })
  if (result.status !== 0 || !existsSync(join(buildDir, 'bin/server.js'))) {
    console.error('✖ the build failed (node ace build)')
    process.exit(result.status || 1)
  }
  /**
   * The stamp carries the time the build started: a source saved while it
   * ran is newer than the stamp, so the next start builds again.
   */
  writeFileSync(stamp, `${new Date(started).toISOString()}\n`)
  utimesSync(stamp, new Date(started), new Date(started))
  say(`  built in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return true
}

/** `node bin/build.js [--force]` (npm run build): build when stale, or always with --force. */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { ensureRuntime } = await import('./bootstrap.js')
  ensureRuntime(new URL(import.meta.url).pathname)
  if (!ensureBuild({ force: process.argv.includes('--force') }))
    console.log('✓ build/ is up to date')
}
