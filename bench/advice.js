/**
 * The buy-or-wait advice's backtest (`analytics:backtest`, from the build) for
 * `npm run bench`: on a throwaway SQLite file seeded with the demo's played
 * games of five leagues, the advice learnt on older games and replayed on the
 * most recent ones against "always buy now" and "always wait". Adds the
 * advice_* keys (costs are price paid ÷ the cheaper option; margin = how much
 * less the advice paid than the better baseline, decision-weighted).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

export async function runAdviceBench({ root, baseEnv, say }) {
  const tmp = join(root, 'tmp')
  mkdirSync(tmp, { recursive: true })
  const file = 'tmp/bench-advice.sqlite3'
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(root, `${file}${suffix}`), { force: true })
  const out = join(tmp, 'bench-advice.json')
  rmSync(out, { force: true })
  const env = {
    ...baseEnv,
    DB_CONNECTION: 'sqlite',
    SQLITE_PATH: file,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    EMBEDDED: 'false',
  }
  say('› advice: backtest of buy-or-wait on held-back played games (analytics:backtest)')
  for (const args of [
    ['build/ace.js', 'migration:fresh', '--force'],
    ['build/ace.js', 'analytics:backtest', '--seed-demo', `--out=${out}`],
  ]) {
    const result = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8' })
    if (result.status !== 0) {
      say(`  node ${args.join(' ')} failed (${result.status}): advice_* not measured`)
      say(result.stderr.slice(0, 500))
      return {}
    }
    if (args[1] === 'analytics:backtest')
      for (const line of result.stdout.split('\n').filter(Boolean)) say(`  ${line}`)
  }
  if (!existsSync(out)) return {}
  const { advice_by_league: _byLeague, ...figures } = JSON.parse(readFileSync(out, 'utf8'))
  return figures
}
