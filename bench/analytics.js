/*
|--------------------------------------------------------------------------
| Analytics benchmarks: price_chart_p95_ms and dashboard_p95_ms
|--------------------------------------------------------------------------
|
| 1. seeds a benchmark database (tmp/bench-analytics.sqlite3, or the pg/mysql
|    one) with 10,000 events and 1,000,000 listing_changes (bench:seed-history),
|    reused on the next run unless --reseed;
| 2. bench:analytics times the 90-day price chart of random events;
| 3. starts the app on that database (production build, server-side
|    rendering, no embedded worker), signs the bench user in, and has 100
|    concurrent clients (autocannon) load the dashboard for --dashboard-seconds;
|    p95 over every response.
|
| Run by bin/bench.js; alone: node bench/analytics.js [--json] [--reseed].
*/
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

function run(root, env, args, say) {
  const result = spawnSync('node', args, {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  })
  if (result.status !== 0)
    throw new Error(
      `node ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`
    )
  for (const line of result.stdout.split('\n').filter(Boolean)) say(`  ${line}`)
}

function cookiesOf(response, jar) {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';')
    const index = pair.indexOf('=')
    jar.set(pair.slice(0, index), pair.slice(index + 1))
  }
  return [...jar.entries()].map(([key, value]) => `${key}=${value}`).join('; ')
}

export async function runAnalyticsBench({
  root,
  baseEnv,
  say,
  events = 10_000,
  changes = 1_000_000,
  reseed = false,
  dashboardSeconds = 10,
  connections = 100,
}) {
  const tmp = join(root, 'tmp')
  mkdirSync(tmp, { recursive: true })
  const sqlite = baseEnv.DB_CONNECTION === 'sqlite' || !baseEnv.DB_CONNECTION
  const env = {
    ...baseEnv,
    ...(sqlite ? { DB_CONNECTION: 'sqlite', SQLITE_PATH: 'tmp/bench-analytics.sqlite3' } : {}),
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    EMBEDDED: 'false',
  }
  const seedFile = join(tmp, `bench-analytics-seed-${env.DB_CONNECTION}.json`)
  const seedKey = `${events}/${changes}`
  let seed = existsSync(seedFile) ? JSON.parse(readFileSync(seedFile, 'utf8')) : null
  const dbExists = !sqlite || existsSync(join(root, 'tmp/bench-analytics.sqlite3'))
  if (reseed || !seed || seed.key !== seedKey || !dbExists) {
    say(`› analytics: seeding ${events} events and ${changes} history rows (bench:seed-history)`)
    if (sqlite)
      for (const suffix of ['', '-wal', '-shm'])
        rmSync(join(root, `tmp/bench-analytics.sqlite3${suffix}`), { force: true })
    run(root, env, ['ace', 'migration:fresh', '--force'], say)
    const out = join(tmp, 'bench-analytics-seed.out.json')
    run(
      root,
      env,
      ['ace', 'bench:seed-history', `--events=${events}`, `--changes=${changes}`, `--out=${out}`],
      say
    )
    seed = { key: seedKey, ...JSON.parse(readFileSync(out, 'utf8')) }
    const { writeFileSync } = await import('node:fs')
    writeFileSync(seedFile, JSON.stringify(seed))
  } else {
    say(
      `› analytics: reusing the seeded database (${seed.events} events, ${seed.changes} history rows; --reseed to rebuild)`
    )
  }

  const results = {}
  say('› analytics: 90-day price chart of random events (bench:analytics)')
  const chartOut = join(tmp, 'bench-analytics-chart.json')
  rmSync(chartOut, { force: true })
  run(root, env, ['ace', 'bench:analytics', `--out=${chartOut}`], say)
  Object.assign(results, JSON.parse(readFileSync(chartOut, 'utf8')))

  /** The dashboard is measured as production serves it: the compiled build (bin/build.js). */
  const { ensureBuild } = await import('../bin/build.js')
  ensureBuild({ say, quiet: true })

  const port = await freePort()
  say(
    `› analytics: dashboard, server-rendered, ${connections} concurrent clients for ${dashboardSeconds} s`
  )
  const server = spawn('node', ['build/bin/server.js'], {
    cwd: root,
    env: {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      APP_URL: `http://127.0.0.1:${port}`,
      LIMITER_STORE: 'memory',
      LOCK_STORE: 'memory',
      QUEUE_DRIVER: 'database',
      TRANSMIT_TRANSPORT: 'memory',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const stop = () => server.kill('SIGTERM')
  process.on('exit', stop)
  try {
    const base = `http://127.0.0.1:${port}`
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/health/live`)).ok) break
      } catch {}
      if (i > 300) throw new Error('the app did not start')
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    const jar = new Map()
    let cookie = cookiesOf(await fetch(`${base}/login`), jar)
    const xsrf = decodeURIComponent(jar.get('XSRF-TOKEN') ?? '')
    const login = await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie,
        'x-xsrf-token': xsrf,
      },
      body: new URLSearchParams({ email: seed.userEmail, password: seed.userPassword }),
    })
    cookie = cookiesOf(login, jar)
    const check = await fetch(`${base}/`, { headers: { cookie }, redirect: 'manual' })
    const html = await check.text()
    if (
      check.status !== 200 ||
      !html.includes('data-server-rendered="true"') ||
      !html.includes('Watched events')
    ) {
      throw new Error(`the dashboard did not render for the bench user (status ${check.status})`)
    }
    const { default: autocannon } = await import('autocannon')
    const latencies = []
    let non2xx = 0
    await new Promise((resolve, reject) => {
      const instance = autocannon(
        { url: `${base}/`, connections, duration: dashboardSeconds, headers: { cookie } },
        (error, result) => (error ? reject(error) : resolve(result))
      )
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        if (statusCode !== 200) non2xx++
        latencies.push(responseTime)
      })
    })
    latencies.sort((a, b) => a - b)
    const at = (q) =>
      Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 10) /
      10
    if (non2xx) say(`  ${non2xx} responses were not 200`)
    Object.assign(results, {
      dashboard_p50_ms: at(0.5),
      dashboard_p95_ms: at(0.95),
      dashboard_requests_per_s: Math.round((latencies.length / dashboardSeconds) * 10) / 10,
    })
  } finally {
    stop()
  }
  return results
}

/** Alone: node bench/analytics.js [--json] [--reseed] [--events N] [--changes N] */
if (import.meta.url === `file://${process.argv[1]}`) {
  const { parseArgs } = await import('node:util')
  const { ensureRuntime, root } = await import('../bin/bootstrap.js')
  ensureRuntime(new URL(import.meta.url).pathname)
  const { exampleEnv } = await import('../bin/env_file_plain.js')
  /** No .env yet (a fresh clone): the example's settings, in memory only. */
  if (!existsSync(new URL('../.env', import.meta.url))) {
    Object.assign(process.env, { ...exampleEnv(new URL('../', import.meta.url)), ...process.env })
  }
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      reseed: { type: 'boolean', default: false },
      events: { type: 'string', default: '10000' },
      changes: { type: 'string', default: '1000000' },
      seconds: { type: 'string', default: '10' },
    },
  })
  const say = (line) => (values.json ? console.error(line) : console.log(line))
  const results = await runAnalyticsBench({
    root,
    baseEnv: { ...process.env, DB_CONNECTION: process.env.DB_CONNECTION ?? 'sqlite' },
    say,
    events: Number(values.events),
    changes: Number(values.changes),
    reseed: values.reseed,
    dashboardSeconds: Number(values.seconds),
  })
  console.log(JSON.stringify(results))
  process.exit(0)
}
