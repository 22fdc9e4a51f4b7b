/*
|--------------------------------------------------------------------------
| The build runs on production dependencies alone
|--------------------------------------------------------------------------
|
| `npm ci --omit=dev` inside build/ must give a working server. This reads
| every module of the build that production loads (not the tests, not the
| benchmarks) and fails when one imports a package that is not in
| `dependencies` — a devDependency would be missing there.
|
| Usage: node scripts/check_runtime_deps.js [buildDir]
*/
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, relative } from 'node:path'

const root = new URL('../', import.meta.url).pathname
const buildDir = process.argv[2] ?? join(root, 'build')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const allowed = new Set(Object.keys(pkg.dependencies ?? {}))

/** Development-only parts of the build: never loaded by the server, the workers or the release step. */
const DEV_ONLY = [/^tests\//, /^bench\//, /^vite\.config\.js$/, /^bin\/test\.js$/]

function* modules(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === 'public') continue
      yield* modules(path)
    } else if (entry.name.endsWith('.js')) yield path
  }
}

const MODULE_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w./-]+)?$/i

function packageOf(specifier) {
  /** `from '…'` inside a string or a query is not an import. */
  if (!MODULE_NAME.test(specifier)) return null
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0])) return null
  if (specifier.startsWith('#') || specifier.startsWith('.') || specifier.startsWith('/'))
    return null
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

statSync(buildDir)
const problems = []
let checked = 0
for (const file of modules(buildDir)) {
  const rel = relative(buildDir, file)
  if (DEV_ONLY.some((pattern) => pattern.test(rel))) continue
  checked++
  const source = readFileSync(file, 'utf8')
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g
  for (const [, specifier] of source.matchAll(pattern)) {
    const name = packageOf(specifier)
    if (name && !allowed.has(name))
      problems.push(`${rel} imports "${specifier}" (${name} is not a dependency)`)
  }
}
if (problems.length) {
  console.error(
    `✖ the build needs packages that npm ci --omit=dev would not install:\n  ${problems.join('\n  ')}`
  )
  process.exit(1)
}
console.log(`✓ ${checked} modules of the build import only dependencies`)
