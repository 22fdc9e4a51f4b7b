#!/usr/bin/env node
/**
 * No import cycle in the server code (app/, start/, commands/, providers/,
 * config/, bench/, sandbox/): dependencies go one way — controllers and jobs
 * call services, services emit events, listeners dispatch jobs (README →
 * Layout). Dynamic imports count: `lazy(() => import(...))` hides a cycle,
 * it does not remove one.
 *
 * One allowance, the ORM's own shape: Lucid models name each other in their
 * relations (`@belongsTo(() => Event)`), so a cycle made only of files in
 * app/models/ is not reported.
 *
 * Run by the lint pass of `npm test`; `node bin/check_cycles.js` alone too.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import madge from 'madge'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

/** The package's `#alias/*` imports as TypeScript paths, so madge resolves them to the .ts files. */
const paths = Object.fromEntries(
  Object.entries(pkg.imports).map(([alias, target]) => [alias, [target.replace(/\.js$/, '')]])
)
const folders = ['app', 'start', 'commands', 'providers', 'config', 'bench', 'sandbox'].filter(
  (folder) => existsSync(join(root, folder))
)

const result = await madge(
  folders.map((folder) => join(root, folder)),
  {
    baseDir: root,
    fileExtensions: ['ts'],
    tsConfig: {
      compilerOptions: {
        baseUrl: root,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        allowJs: true,
        paths,
      },
    },
  }
)

const unresolvedOwn = [...result.warnings().skipped].filter((name) => name.startsWith('#'))
const cycles = result
  .circular()
  .filter((cycle) => !cycle.every((file) => file.startsWith('app/models/')))

if (unresolvedOwn.length > 0) {
  console.error(`✖ imports the cycle check could not resolve: ${unresolvedOwn.join(', ')}`)
}
if (cycles.length > 0) {
  console.error(`✖ ${cycles.length} import cycle(s) — dependencies must go one way:`)
  for (const cycle of cycles) console.error(`  ${[...cycle, cycle[0]].join(' → ')}`)
}
if (unresolvedOwn.length > 0 || cycles.length > 0) process.exit(1)
console.log(`no import cycle in ${Object.keys(result.obj()).length} files (${folders.join(', ')})`)
