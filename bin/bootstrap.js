/*
|--------------------------------------------------------------------------
| Fresh-clone bootstrap (plain JavaScript: runs on any Node)
|--------------------------------------------------------------------------
|
| `npm start` and `npm test` on a fresh clone: install the dependencies
| (which bring Node 24 through the `node` package) when they are missing or
| older than package-lock.json, then re-run the caller on Node 24.
|
*/
import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('../', import.meta.url))
export const node24 = `${root}node_modules/.bin/node`

function installed() {
  const stamp = `${root}node_modules/.package-lock.json`
  if (!existsSync(node24) || !existsSync(stamp)) return false
  return statSync(stamp).mtimeMs >= statSync(`${root}package-lock.json`).mtimeMs
}

/**
 * Makes sure dependencies are installed and this script runs on Node 24.
 * Returns only when both hold; otherwise re-executes the script and exits
 * with its status.
 */
export function ensureRuntime(script) {
  if (!installed()) {
    console.log('Installing dependencies (first run)…')
    const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
      cwd: root,
      stdio: 'inherit',
    })
    if (install.status !== 0) process.exit(install.status ?? 1)
  }
  const major = Number(process.versions.node.split('.')[0])
  if (major < 24) {
    const rerun = spawnSync(node24, [script, ...process.argv.slice(2)], {
      cwd: root,
      stdio: 'inherit',
    })
    process.exit(rerun.status ?? 1)
  }
  process.env.PATH = `${root}node_modules/.bin:${process.env.PATH}`
}
