/**
 * The check pipeline in the scaled topology (`npm run bench -- --only
 * scaled`): the embedded pipeline bench's market and watchlist (the sandbox
 * exchange in its own process, not counted; 10,000 events × 50 listings,
 * the bench rules, alerts and their notifications part of the work), checked
 * by the README's scaled deployment started from the build as its
 * Deployment section runs it (bench/processes.ts, the process tests' own
 * starters): one `monitor:run` dispatcher and 2 `queue:work` workers on
 * PostgreSQL and a Redis server of the bench's own.
 *
 * The database is the bench's own, `BENCH_SCALED_DB_DATABASE` (default
 * `hdtickets_bench_scaled`, created when missing, emptied every run; never
 * DB_DATABASE's) on the server DB_HOST, DB_PORT, DB_USER, DB_PASSWORD name.
 *
 * The monitor plans and dispatches as in production: the pairs' intervals
 * fitted to the sandbox platform's quota, no pair made due by the bench.
 * After the first full load (not measured) it counts for `durationS`:
 * - scaled_checks_per_s: market fetches answered by the exchange (one per
 *   check, from its request log) per second;
 * - scaled_duplicate_checks: checks of a pair that came before its interval
 *   since the previous one had run out (bench/request_log.ts), over the
 *   whole run, first load included;
 * - the CPU the monitor and workers spent per check (and the database's and
 *   Redis's, from /proc on Linux), the database transactions and Redis
 *   commands per check (the round trips), the workers' peak RSS, the alerts
 *   stored in the window and how long after their check;
 * - scaled_planned_checks_per_s: what the pairs' intervals asked for at the
 *   end; a throughput near it was set by the plan, not by the capacity.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { spawn } from 'node:child_process'
import knex from 'knex'
import { Redis } from 'ioredis'
import {
  Child,
  ROLE_ARGS,
  RedisServer,
  freePortInRange,
  redisServerBinary,
  scaledEnv,
  sleep,
  startSandbox,
} from './processes.js'
import { earlyRechecks, marketFetches, parseRequestLog } from './request_log.js'
import { checkBenchDatabaseName, ensureDatabase } from './bench_database.js'

export interface ScaledBenchOptions {
  /** The clone, ending in / */
  root: string
  /** Environment of the bench (APP_KEY, DB_HOST…), before the scaled mode's settings */
  baseEnv: NodeJS.ProcessEnv
  say: (line: string) => void
  events: number
  listings: number
  pace: number
  durationS: number
  workers?: number
  /** `--cpu-prof` on the first worker: its profile lands in tmp/bench-scaled-profile/ */
  profileWorker?: boolean
  /** How long the first full load may take */
  loadTimeoutS?: number
}

/**
 * How early a legitimate re-check may reach the exchange: a check's next
 * time is set from the moment its job started, its fetch arrives a little
 * later (its batch's reads, the rate limiter's round trip to Redis).
 */
export const RECHECK_SLACK_MS = 2_000

/** CPU ms (user + system) of one process, from /proc (Linux); null elsewhere or when gone. */
function cpuMsOf(pid: number | null | undefined) {
  if (!pid) return null
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return null
  }
}

function rssMbOf(pid: number) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Math.round(Number(match[1]) / 1024) : null
  } catch {
    return null
  }
}

function percentile(values: number[], share: number) {
  const sorted = [...values].sort((a, b) => a - b)
  return (
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] * 10) / 10
  )
}

const sum = (values: Array<number | null>) =>
  values.reduce<number>((total, value) => total + (value ?? 0), 0)

export async function runScaledBench(options: ScaledBenchOptions) {
  const { root, say } = options
  const workerCount = options.workers ?? 2
  const database = options.baseEnv.BENCH_SCALED_DB_DATABASE ?? 'hdtickets_bench_scaled'
  const refused =
    checkBenchDatabaseName(database, 'BENCH_SCALED_DB_DATABASE', options.baseEnv) ??
    (database === (options.baseEnv.BENCH_DB_DATABASE ?? 'hdtickets_bench')
      ? `BENCH_SCALED_DB_DATABASE is the embedded bench's database ("${database}"): name another`
      : null)
  if (refused) throw new Error(refused)
  if (!redisServerBinary()) {
    throw new Error('redis-server is not installed (apt-get install -y redis-server)')
  }
  const server = {
    host: options.baseEnv.DB_HOST ?? '127.0.0.1',
    port: Number(options.baseEnv.DB_PORT ?? 5432),
    user: options.baseEnv.DB_USER ?? 'postgres',
    password: options.baseEnv.DB_PASSWORD,
  }
  if (await ensureDatabase('pg', server, database))
    say(`› created the bench database "${database}"`)

  const tmp = `${root}tmp`
  mkdirSync(tmp, { recursive: true })
  const requestLog = `${tmp}/bench-scaled-requests.log`
  const profileDir = `${tmp}/bench-scaled-profile`
  rmSync(requestLog, { force: true })
  if (options.profileWorker) rmSync(profileDir, { recursive: true, force: true })
  const logDir = `${tmp}/bench-scaled-logs`
  const where = { cwd: root, logDir }

  const children: Child[] = []
  const redis = new RedisServer(await freePortInRange())
  const db = knex({
    client: 'pg',
    connection: { ...server, database },
    pool: { min: 0, max: 2 },
  })
  let sandbox: Child | null = null
  try {
    await redis.start()
    /** The Redis is the bench's own (no password); the database, the bench's own on the server named. */
    const { REDIS_PASSWORD: _password, ...inherited } = options.baseEnv
    const baseEnv = {
      ...inherited,
      LOG_LEVEL: 'info',
      DB_CONNECTION: 'pg',
      DB_HOST: server.host,
      DB_PORT: String(server.port),
      DB_USER: server.user,
      DB_DATABASE: database,
    }
    say(
      `› scaled topology: sandbox exchange ${options.events} events × ${options.listings} listings, ${options.pace} changes/s (own process, request log)`
    )
    const started = await startSandbox({
      ...where,
      env: { ...baseEnv, NODE_ENV: 'production' },
      port: await freePortInRange(),
      events: options.events,
      listings: options.listings,
      pace: options.pace,
      requestLog,
    })
    sandbox = started.child
    const env = scaledEnv(baseEnv, { redisPort: redis.port, sandboxUrl: started.url })

    say(
      `  preparing "${database}" on PostgreSQL: discovery, bench rules (bench:pipeline --prepare-only)`
    )
    const prepared = await new Promise<number | null>((resolve) => {
      const child = spawn(
        process.execPath,
        ['build/bench/ace.js', 'bench:pipeline', '--prepare-only', `--sandbox-url=${started.url}`],
        { cwd: root, env: { ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] }
      )
      child.on('exit', resolve)
    })
    if (prepared !== 0) throw new Error(`bench:pipeline --prepare-only failed (${prepared})`)
    const rows = async (sql: string, values: readonly unknown[] = []) =>
      (await db.raw(sql, values as any[])).rows as Array<Record<string, any>>
    const count = async (sql: string) => Number((await rows(sql))[0].total)
    const pairs = await count("SELECT count(*) AS total FROM event_sources WHERE state = 'active'")

    say(
      `  ${pairs} pairs; 1 monitor (monitor:run) and ${workerCount} workers (queue:work --concurrency=5), from the build`
    )
    const clusterStart = Date.now()
    const monitor = new Child('monitor', ROLE_ARGS.monitor, { ...env, PORT: '0' }, where)
    children.push(monitor)
    const workers = Array.from({ length: workerCount }, (_, index) => {
      const worker = new Child(
        `worker${index + 1}`,
        ROLE_ARGS.worker,
        { ...env, PORT: '0' },
        {
          ...where,
          nodeArgs:
            options.profileWorker && index === 0
              ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]
              : [],
        }
      )
      children.push(worker)
      return worker
    })
    await monitor.waitForOutput('dispatcher lease taken', 120_000)
    for (const worker of workers) await worker.waitForOutput('Starting worker', 120_000)

    /** The shortest interval each pair had while it was checked, for the duplicate count. */
    const intervals = new Map<string, number>()
    const sampleIntervals = async () => {
      for (const row of await rows(
        'SELECT external_id, check_interval_ms FROM event_sources WHERE check_interval_ms IS NOT NULL'
      )) {
        const interval = Number(row.check_interval_ms)
        const known = intervals.get(row.external_id)
        if (known === undefined || interval < known) intervals.set(row.external_id, interval)
      }
    }
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        await sampleIntervals().catch(() => {})
        await sleep(5_000)
      }
    })()

    say('  first full load (not measured)')
    const loadDeadline = Date.now() + (options.loadTimeoutS ?? 1800) * 1000
    for (;;) {
      const left = await count(
        "SELECT count(*) AS total FROM event_sources WHERE state = 'active' AND last_checked_at IS NULL"
      )
      if (left === 0) break
      for (const child of children)
        if (!child.alive) throw new Error(`${child.name} exited\n${child.tail()}`)
      if (Date.now() > loadDeadline) {
        throw new Error(`first full load: ${left} of ${pairs} pairs never checked`)
      }
      await sleep(1_000)
    }
    const loadedMs = Date.now() - clusterStart
    const listingRows = await count('SELECT count(*) AS total FROM listings')
    say(`  loaded ${listingRows} listings in ${Math.round(loadedMs / 1000)} s`)

    say(`  measuring for ${options.durationS} s`)
    const pgPids = (
      await rows('SELECT pid FROM pg_stat_activity WHERE datname = ?', [database])
    ).map((row) => Number(row.pid))
    const appCpu = () => sum(children.filter((c) => c !== sandbox).map((c) => cpuMsOf(c.pid)))
    const storeCpu = () => sum([...pgPids.map(cpuMsOf), cpuMsOf(redis.pid)])
    /** Round trips per check: the database's transactions (a statement outside one is one), Redis's commands. */
    const redisClient = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true })
    await redisClient.connect()
    const roundTrips = async () => ({
      xacts: await count(
        `SELECT xact_commit + xact_rollback AS total FROM pg_stat_database WHERE datname = '${database}'`
      ),
      redis: new Map(
        [...(await redisClient.info('commandstats')).matchAll(/cmdstat_([^:]+):calls=(\d+)/g)].map(
          (match) => [match[1], Number(match[2])]
        )
      ),
    })
    const tripsStart = await roundTrips()
    const cpuStart = { app: appCpu(), store: storeCpu() }
    let peakRss = 0
    const rssSampler = setInterval(() => {
      for (const worker of workers) peakRss = Math.max(peakRss, rssMbOf(worker.pid) ?? 0)
    }, 500)
    const from = Date.now()
    await sleep(options.durationS * 1000)
    const to = Date.now()
    const cpuEnd = { app: appCpu(), store: storeCpu() }
    const tripsEnd = await roundTrips()
    redisClient.disconnect()
    clearInterval(rssSampler)

    const alerts = await rows(
      'SELECT created_at, detected_at FROM alerts WHERE created_at >= ? AND created_at < ?',
      [new Date(from), new Date(to)]
    )
    const checkToAlert = alerts
      .map((row) => new Date(row.created_at).getTime() - new Date(row.detected_at).getTime())
      .filter((ms) => Number.isFinite(ms) && ms >= 0)
    const planned = await count(
      "SELECT sum(1000.0 / check_interval_ms) AS total FROM event_sources WHERE state = 'active' AND check_interval_ms > 0"
    )
    sampling = false
    await sampler
    await sampleIntervals()

    /** SIGTERM, as systemd stops them: the profile of a `--cpu-prof` worker is written on exit. */
    const stops = await Promise.all(children.map((child) => child.terminate(30_000)))
    const stopped = Date.now()
    for (const [index, stop] of stops.entries())
      if (stop.ms === null) say(`  ${children[index].name} still running 30 s after SIGTERM`)
    await sandbox.terminate(10_000)

    const { requests, malformed } = parseRequestLog(readFileSync(requestLog, 'utf8'))
    const measured = marketFetches(requests, { from, to })
    let checks = 0
    for (const times of measured.values()) checks += times.length
    const early = earlyRechecks(
      marketFetches(requests, { from: clusterStart, to: stopped }),
      (ref) => intervals.get(ref),
      RECHECK_SLACK_MS
    )
    const seconds = (to - from) / 1000
    const result: Record<string, number | string> = {
      scaled_db: 'pg',
      scaled_processes: `1 monitor + ${workerCount} workers`,
      scaled_pairs: pairs,
      scaled_first_load_s: Math.round(loadedMs / 100) / 10,
      scaled_checks: checks,
      scaled_checks_per_s: Math.round((checks / seconds) * 10) / 10,
      scaled_planned_checks_per_s: Math.round(planned * 10) / 10,
      scaled_duplicate_checks: early.length,
    }
    if (checks > 0 && cpuStart.app !== null && cpuEnd.app > 0) {
      result.scaled_cpu_ms_per_check =
        Math.round(((cpuEnd.app - cpuStart.app) / checks) * 100) / 100
      result.scaled_store_cpu_ms_per_check =
        Math.round(((cpuEnd.store - cpuStart.store) / checks) * 100) / 100
    }
    if (checks > 0) {
      result.scaled_db_transactions_per_check =
        Math.round(((tripsEnd.xacts - tripsStart.xacts) / checks) * 10) / 10
      const commands = [...tripsEnd.redis]
        .map(
          ([name, calls]) => [name, (calls - (tripsStart.redis.get(name) ?? 0)) / checks] as const
        )
        .sort((a, b) => b[1] - a[1])
      result.scaled_redis_commands_per_check =
        Math.round(commands.reduce((total, [, perCheck]) => total + perCheck, 0) * 10) / 10
      say(
        `  Redis commands per check: ${commands
          .slice(0, 8)
          .map(([name, perCheck]) => `${name} ${perCheck.toFixed(1)}`)
          .join(', ')}`
      )
    }
    if (peakRss > 0) result.scaled_worker_rss_mb = peakRss
    if (checkToAlert.length > 0) {
      result.scaled_alerts = checkToAlert.length
      result.scaled_check_to_alert_p50_ms = percentile(checkToAlert, 0.5)
      result.scaled_check_to_alert_p99_ms = percentile(checkToAlert, 0.99)
    }
    if (malformed > 0) say(`  ${malformed} request-log lines unreadable (left out)`)
    for (const recheck of early.slice(0, 10)) {
      say(
        `  early re-check: event ${recheck.ref} fetched ${recheck.gapMs} ms after the previous check (interval ${recheck.intervalMs} ms) at ${new Date(recheck.at).toISOString()}`
      )
    }
    if (options.profileWorker && existsSync(profileDir)) {
      for (const file of readdirSync(profileDir))
        say(`  CPU profile of worker1: tmp/bench-scaled-profile/${file}`)
    }
    return result
  } finally {
    await Promise.all(children.map((child) => child.kill()))
    await sandbox?.kill()
    await redis.stop()
    await db.destroy()
  }
}
