/*
|--------------------------------------------------------------------------
| Analytics benchmarks: price_chart_p95_ms, the dashboard, open dashboards (SSE)
|--------------------------------------------------------------------------
|
| 1. seeds a benchmark database (tmp/bench-analytics.sqlite3, or the pg/mysql
|    one) with 10,000 events, 1,000,000 listing_changes and 100 users watching
|    20 events each (bench:seed-history, then the roll-ups from it), reused on
|    the next run unless --reseed;
| 2. chart: bench:analytics times the 90-day price chart of random events;
| 3. starts the compiled build (build/bin/server.js; --processes N: N of them
|    on one port through node:cluster, bench/cluster_server.js) on that
|    database, no embedded worker, and signs the 100 users in;
|    dashboard: dashboard_200rps_p95_ms, the 100 users' dashboards at an
|      open-loop 200 req/s from another process (bench/api_load.js), latency
|      from when each request was due;
|    rps: dashboard_max_rps, the highest step of 50…1,000 req/s (5 s each)
|      whose p95 stays ≤ 100 ms without errors;
|    sse: sse_2000_clients_ms, 2,000 signed-in SSE clients in another process
|      (bench/sse_clients.js) subscribed to one watched event; another process
|      (bench:market-change) publishes one market change through Redis; the
|      time until the last client has it (needs Redis, else not measured).
|
| Run by bin/bench.js; alone: node bench/analytics.js [--json] [--reseed]
|   [--only chart,dashboard,rps,sse] [--processes N] [--seconds S].
*/
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, rmSync, mkdirSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
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
  /** Web processes for the dashboard figures (1: build/bin/server.js; more: node:cluster) */
  processes = 1,
  /** Parts to run: chart, dashboard, rps, sse (default all) */
  only = null,
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
  /** Seeded, timed and served as production runs the code: the compiled build (bin/build.js). */
  const { ensureBuild } = await import('../bin/build.js')
  ensureBuild({ say, quiet: true })

  const seedFile = join(tmp, `bench-analytics-seed-${env.DB_CONNECTION}.json`)
  const seedKey = `${events}/${changes}`
  let seed = existsSync(seedFile) ? JSON.parse(readFileSync(seedFile, 'utf8')) : null
  const dbExists = !sqlite || existsSync(join(root, 'tmp/bench-analytics.sqlite3'))
  if (reseed || !seed || seed.key !== seedKey || !dbExists) {
    say(`› analytics: seeding ${events} events and ${changes} history rows (bench:seed-history)`)
    if (sqlite)
      for (const suffix of ['', '-wal', '-shm'])
        rmSync(join(root, `tmp/bench-analytics.sqlite3${suffix}`), { force: true })
    run(root, env, ['build/ace.js', 'migration:fresh', '--force'], say)
    const out = join(tmp, 'bench-analytics-seed.out.json')
    run(
      root,
      env,
      [
        'build/bench/ace.js',
        'bench:seed-history',
        `--events=${events}`,
        `--changes=${changes}`,
        `--out=${out}`,
      ],
      say
    )
    seed = { key: seedKey, ...JSON.parse(readFileSync(out, 'utf8')) }
    writeFileSync(seedFile, JSON.stringify(seed))
  } else {
    say(
      `› analytics: reusing the seeded database (${seed.events} events, ${seed.changes} history rows; --reseed to rebuild)`
    )
  }

  const results = {}
  const wants = (part) => !only || only.includes(part)
  if (wants('chart')) {
    say('› analytics: 90-day price chart of random events (bench:analytics)')
    const chartOut = join(tmp, 'bench-analytics-chart.json')
    rmSync(chartOut, { force: true })
    run(root, env, ['build/bench/ace.js', 'bench:analytics', `--out=${chartOut}`], say)
    Object.assign(results, JSON.parse(readFileSync(chartOut, 'utf8')))
  }
  if (!['dashboard', 'rps', 'sse'].some(wants)) return results

  /** SSE needs the market change to reach the web processes from another process: Redis. */
  const redis =
    wants('sse') &&
    (await reachable(baseEnv.REDIS_HOST ?? '127.0.0.1', Number(baseEnv.REDIS_PORT ?? 6379)))
  if (wants('sse') && !redis) say('  Redis is not reachable: sse_2000_clients_ms not measured')
  const port = await freePort()
  const serverEnv = {
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    APP_URL: `http://127.0.0.1:${port}`,
    LIMITER_STORE: 'memory',
    LOCK_STORE: 'memory',
    QUEUE_DRIVER: 'database',
    TRANSMIT_TRANSPORT: redis ? 'redis' : 'memory',
    REDIS_PREFIX: `bench-analytics-${process.pid}`,
    WEB_PROCESSES: String(processes),
  }
  say(
    `› analytics: dashboard, compiled build, ${processes === 1 ? 'one web process' : `${processes} web processes (node:cluster, bench/cluster_server.js)`}`
  )
  const server = spawn(
    'node',
    processes === 1 ? ['build/bin/server.js'] : ['bench/cluster_server.js'],
    { cwd: root, env: serverEnv, stdio: ['ignore', 'ignore', 'inherit'] }
  )
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
    /** Every bench user signed in once: one Cookie header each. */
    const emails = seed.userEmails ?? [seed.userEmail]
    const cookies = []
    for (const email of emails) {
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
        body: new URLSearchParams({ email, password: seed.userPassword }),
      })
      cookies.push(cookiesOf(login, jar))
    }
    const check = await fetch(`${base}/`, { headers: { cookie: cookies[0] }, redirect: 'manual' })
    const html = await check.text()
    if (
      check.status !== 200 ||
      !html.includes('data-server-rendered="true"') ||
      !html.includes('Watched events')
    ) {
      throw new Error(`the dashboard did not render for the bench user (status ${check.status})`)
    }
    const cookieFile = join(tmp, 'bench-analytics-cookies.json')
    writeFileSync(cookieFile, JSON.stringify(cookies))
    say(`  ${cookies.length} users signed in; dashboard ${Math.round(html.length / 1024)} KB`)

    /** Open-loop load from another process (bench/api_load.js), latency from when each request was due. */
    const load = (rate, seconds, warmup = 2) => {
      const result = spawnSync(
        'node',
        [
          'bench/api_load.js',
          `--url=${base}/`,
          `--cookies=${cookieFile}`,
          `--rate=${rate}`,
          `--duration=${seconds}`,
          `--warmup=${warmup}`,
          '--connections=128',
        ],
        { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }
      )
      if (result.status !== 0) throw new Error(`bench/api_load.js failed (${result.status})`)
      return JSON.parse(result.stdout.trim().split('\n').pop())
    }
    if (wants('dashboard')) {
      say(
        `› analytics: dashboard of ${cookies.length} users, open-loop 200 req/s for ${dashboardSeconds} s`
      )
      const cpuBefore = cpuMsOf(server.pid)
      const at200 = load(200, dashboardSeconds)
      const cpuAfter = cpuMsOf(server.pid)
      say(`  ${JSON.stringify(at200)}`)
      /** Warm-up included: every request of the run, by the server's own CPU time (all its processes). */
      if (cpuBefore !== null && cpuAfter !== null)
        results.dashboard_cpu_ms_per_request =
          Math.round(((cpuAfter - cpuBefore) / (200 * (dashboardSeconds + 2))) * 10) / 10
      Object.assign(results, {
        dashboard_200rps_p50_ms: at200.p50_ms,
        dashboard_200rps_p95_ms: at200.p95_ms,
        dashboard_200rps_p99_ms: at200.p99_ms,
        dashboard_200rps_achieved_rps: at200.achieved_rps,
        dashboard_200rps_errors: at200.errors,
      })
    }
    if (wants('rps')) {
      say('› analytics: highest open-loop dashboard rate with p95 ≤ 100 ms (5 s a step)')
      let best = 0
      for (const rate of [50, 100, 150, 200, 250, 300, 400, 500, 600, 800, 1000]) {
        const step = load(rate, 5, 1)
        say(
          `  ${rate} req/s: p95 ${step.p95_ms} ms, achieved ${step.achieved_rps}, errors ${step.errors}`
        )
        if (step.p95_ms === null || step.p95_ms > 100 || step.errors > 0) break
        best = rate
      }
      results.dashboard_max_rps = best
    }
    results.dashboard_web_processes = processes

    if (wants('sse') && redis) {
      const clients = 2000
      const eventId = seed.watchedEventIds[0]
      say(
        `› analytics: ${clients} signed-in SSE clients (own process) on events/${eventId}, one market change`
      )
      const sse = spawn(
        'node',
        [
          'bench/sse_clients.js',
          `--url=${base}`,
          `--cookies=${cookieFile}`,
          `--clients=${clients}`,
          `--channel=events/${eventId}`,
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }
      )
      let output = ''
      const lines = []
      const waiting = []
      sse.stdout.on('data', (chunk) => {
        output += chunk
        const parts = output.split('\n')
        output = parts.pop()
        for (const line of parts) {
          lines.push(line)
          waiting.splice(0).forEach((wake) => wake())
        }
      })
      const exited = new Promise((resolve) => sse.on('exit', resolve))
      const next = async (test) => {
        for (;;) {
          const found = lines.find(test)
          if (found) return found
          const woke = new Promise((resolve) => waiting.push(resolve))
          if ((await Promise.race([woke.then(() => 'line'), exited.then(() => 'exit')])) === 'exit')
            return lines.find(test) ?? null
        }
      }
      const ready = await next((line) => line.startsWith('ready'))
      if (!ready) throw new Error('bench/sse_clients.js exited before its clients were ready')
      say(`  ${ready}`)
      const publisher = spawnSync(
        'node',
        ['build/bench/ace.js', 'bench:market-change', `--event=${eventId}`],
        { cwd: root, env: serverEnv, encoding: 'utf8' }
      )
      const published = Number(/published (\d+)/.exec(publisher.stdout ?? '')?.[1])
      if (!published)
        throw new Error(`bench:market-change failed:\n${publisher.stdout}\n${publisher.stderr}`)
      const report = JSON.parse(await next((line) => line.startsWith('{')))
      say(`  ${JSON.stringify(report)}`)
      if (report.received === clients) results.sse_2000_clients_ms = report.last_at - published
      else say(`  only ${report.received} of ${clients} clients had the update: not reported`)
      results.sse_first_client_ms = report.first_at === null ? null : report.first_at - published
    }
  } finally {
    stop()
  }
  return results
}

/** CPU ms (user + system) of a process and its children, from /proc (Linux); null elsewhere. */
function cpuMsOf(pid) {
  try {
    const ticks = (id) => {
      const fields = readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1].split(' ')
      let total = Number(fields[11]) + Number(fields[12])
      for (const task of readdirSync(`/proc/${id}/task`)) {
        const children = readFileSync(`/proc/${id}/task/${task}/children`, 'utf8').trim()
        for (const child of children ? children.split(' ') : []) total += ticks(child)
      }
      return total
    }
    return ticks(pid) * 10
  } catch {
    return null
  }
}

function reachable(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    socket.setTimeout(1000)
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => (socket.destroy(), resolve(false)))
  })
}

/** Alone: node bench/analytics.js [--json] [--reseed] [--events N] [--changes N] [--only chart,dashboard,rps,sse] [--processes N] */
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
      only: { type: 'string' },
      processes: { type: 'string', default: '1' },
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
    processes: Number(values.processes),
    only: values.only ? values.only.split(',') : null,
  })
  console.log(JSON.stringify(results))
  process.exit(0)
}
