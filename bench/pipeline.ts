/**
 * The check-pipeline benchmark: the same services a worker runs (connector
 * over HTTP to the sandbox exchange, normalise, diff, change-only write),
 * measured for throughput, CPU per check, memory, and history rows written
 * by checks that found nothing new. It reports what it measured; a figure it
 * did not measure is absent.
 */
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { MigrationRunner } from '@adonisjs/lucid/migration'
import PlatformSeeder from '#database/seeders/platform_seeder'
import { connectorRuntime } from '#connectors/runtime'
import { discoverEvents } from '#monitoring/discovery_service'
import { checkSources, type CheckOutcome } from '#monitoring/check_market_service'
import { JOB_BATCH } from '#monitoring/due_checks'
import { measureChangeToAlert, storedMs } from '#bench/change_to_alert'

export interface PipelineBenchmarkOptions {
  sandboxUrl: string
  durationMs: number
  /** Batches (CheckMarkets jobs of JOB_BATCH pairs) in flight at once */
  concurrency: number
  /** Keep the database of an earlier run with the same sandbox (development only: skips discovery) */
  reuse?: boolean
  /** Price cuts made in the sandbox for the change → alert figure (0: not measured) */
  changeSamples?: number
  log?: (line: string) => void
}

async function countRows(table: string) {
  const row = await db.from(table).count('* as total').first()
  return Number(row.total)
}

/**
 * Discovery is set-up, not measured: a page the sandbox answers too late on
 * a busy machine is asked again (upserts make a repeat harmless).
 */
async function discoverAll(log: (line: string) => void) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await discoverEvents('sandbox', {}, { maxPages: 100_000 })
    } catch (error) {
      if (attempt >= 5) throw error
      log(`discovery interrupted (${(error as Error).message}); again`)
    }
  }
}

/** As workers run CheckMarkets jobs: batches of JOB_BATCH pairs, `inFlight` batches at once. */
async function runChecks(
  ids: number[],
  inFlight: number,
  until: () => boolean,
  onResult: (outcome: CheckOutcome) => void
) {
  let cursor = 0
  const worker = async () => {
    while (!until()) {
      const batch: number[] = []
      for (let index = 0; index < JOB_BATCH; index++) batch.push(ids[cursor++ % ids.length])
      for (const outcome of (await checkSources(batch)).values()) onResult(outcome)
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
}

/**
 * The benchmark's database, ready to be checked: emptied and migrated (kept
 * with `reuse`), the platforms seeded, the sandbox's events discovered, a
 * watch rule on every event, each platform's intervals fitted to its quota.
 * The embedded bench (below) and the scaled one (bench/scaled.ts, through
 * `bench:pipeline --prepare-only`) start from it. Returns the active pairs.
 */
export async function preparePipelineDatabase(
  options: Pick<PipelineBenchmarkOptions, 'sandboxUrl' | 'reuse' | 'log'>
) {
  const log = options.log ?? (() => {})

  const reuse =
    options.reuse &&
    (await db.connection().getAllTables()).includes('events') &&
    (await countRows('events')) > 0
  if (!reuse) {
    log('preparing a fresh database')
    await db.connection().dropAllTables()
  }
  const migrator = new MigrationRunner(db, app, { direction: 'up', dryRun: false } as any)
  await migrator.run()
  if (migrator.error) throw migrator.error
  if (!reuse) await new PlatformSeeder(db.connection()).run()
  else {
    /** The sandbox's demo credential under this run's APP_KEY */
    const { encryptSecret } = await import('#security/secrets')
    const { sandboxCredential } = await import('#connectors/sandbox/sandbox_credentials')
    await db
      .from('platforms')
      .where('slug', 'sandbox')
      .update({ encrypted_credentials: encryptSecret(sandboxCredential(), 'platform.credentials') })
  }
  const runtime = await connectorRuntime()
  runtime.useSandboxAt(options.sandboxUrl)

  const discoveryStart = performance.now()
  const discovered = reuse ? { seen: await countRows('events') } : await discoverAll(log)
  log(
    `discovered ${discovered.seen} events in ${Math.round(performance.now() - discoveryStart)} ms`
  )
  const ids = (
    await db.from('event_sources').where('state', 'active').orderBy('id').select('id')
  ).map((row) => row.id)

  log('a watch rule on every event, so changed checks raise alerts')
  if (!reuse || (await countRows('watch_rules')) === 0) await createBenchRules()

  /** As the embedded tick does every minute: fit the intervals to the platform's quota before planning any. */
  const { rescaleIntervals } = await import('#monitoring/due_checks')
  await rescaleIntervals()
  return { seen: discovered.seen, ids }
}

export async function runPipelineBenchmark(options: PipelineBenchmarkOptions) {
  const log = options.log ?? (() => {})
  const { seen, ids } = await preparePipelineDatabase(options)

  log('first full load (not measured)')
  const loadStart = performance.now()
  let loaded = 0
  await runChecks(
    ids,
    options.concurrency,
    () => loaded >= ids.length,
    () => loaded++
  )
  const listingRows = await countRows('listings')
  log(`loaded ${listingRows} listings in ${Math.round(performance.now() - loadStart)} ms`)

  log(
    `measuring for ${options.durationMs / 1000} s, ${options.concurrency} batches of ${JOB_BATCH} in flight`
  )
  const historyBefore = await countRows('listing_changes')
  let checks = 0
  let changedChecks = 0
  let unchangedChecks = 0
  let reportedChanges = 0
  let failed = 0
  let skipped = 0
  let peakRss = process.memoryUsage().rss
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
  }, 200)
  const profile = await profiler(process.env.BENCH_CPU_PROFILE)
  const cpuStart = process.cpuUsage()
  const wallStart = performance.now()
  const deadline = wallStart + options.durationMs
  /** Only checks that ran count (done or failed); one skipped because another worker held the pair, or because its game ended, does not. */
  await runChecks(
    ids,
    options.concurrency,
    () => performance.now() >= deadline,
    (outcome) => {
      if (outcome.outcome === 'skipped') {
        skipped++
        return
      }
      checks++
      if (outcome.outcome === 'done') {
        if (outcome.changes > 0 || outcome.statusChanged) changedChecks++
        else unchangedChecks++
        reportedChanges += outcome.changes
      } else {
        failed++
      }
    }
  )
  const wallMs = performance.now() - wallStart
  const cpu = process.cpuUsage(cpuStart)
  await profile.stop()
  clearInterval(sampler)
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
  const historyWritten = (await countRows('listing_changes')) - historyBefore

  /** Check → alert: how long after a check saw a change its alert was stored (rules on every event). */
  const alertLatencies = await db
    .from('alerts')
    .where('created_at', '>=', new Date(Date.now() - options.durationMs - 60_000))
    .select('created_at', 'detected_at')
  const checkToAlert = alertLatencies
    .map((row) => storedMs(row.created_at) - storedMs(row.detected_at))
    .filter((ms) => Number.isFinite(ms) && ms >= 0)

  const changeToAlert = options.changeSamples
    ? await measureChangeToAlert({
        sandboxUrl: options.sandboxUrl,
        sourceIds: ids,
        samples: options.changeSamples,
        spreadMs: 10_000,
        timeoutMs: 180_000,
        log,
      })
    : null

  log('approved purchase → order placed: 100 approvals arriving 10 per second, then 100 at once')
  const purchase = await measureApproveToOrder(100, 100)
  const burst = await measureApproveToOrder(100, 0, 400)

  const result: Record<string, number | string> = {
    events: seen,
    listings: listingRows,
    checks,
    failed_checks: failed,
    skipped_checks: skipped,
    changed_checks: changedChecks,
    unchanged_checks: unchangedChecks,
    checks_per_s: Math.round((checks / wallMs) * 1000 * 10) / 10,
    cpu_ms_per_check:
      Math.round(((cpu.user + cpu.system) / 1000 / Math.max(checks, 1)) * 1000) / 1000,
    rss_mb: Math.round(peakRss / 1024 / 1024),
    db: db.connection().dialect.name,
  }
  if (unchangedChecks > 0) {
    result.history_rows_per_unchanged_check = (historyWritten - reportedChanges) / unchangedChecks
  }
  if (checkToAlert.length > 0) {
    result.alerts = checkToAlert.length
    result.check_to_alert_p50_ms = percentile(checkToAlert, 0.5)
    result.check_to_alert_p99_ms = percentile(checkToAlert, 0.99)
  }
  if (changeToAlert && changeToAlert.latencies.length > 0) {
    result.change_samples = changeToAlert.samples
    result.change_alerted = changeToAlert.alerted
    result.change_to_alert_p50_ms = percentile(changeToAlert.latencies, 0.5)
    result.change_to_alert_p99_ms = percentile(changeToAlert.latencies, 0.99)
    result.change_check_interval_p50_ms = percentile(changeToAlert.intervals, 0.5)
    result.change_to_alert_over_interval_p99_ms = percentile(changeToAlert.excess, 0.99)
  }
  if (purchase.latencies.length > 0) {
    result.orders = purchase.latencies.length
    result.orders_not_placed = purchase.failed + burst.failed
    result.approve_to_order_p50_ms = percentile(purchase.latencies, 0.5)
    result.approve_to_order_p99_ms = percentile(purchase.latencies, 0.99)
  }
  if (burst.latencies.length > 0) {
    result.approve_to_order_burst100_p50_ms = percentile(burst.latencies, 0.5)
    result.approve_to_order_burst100_p99_ms = percentile(burst.latencies, 0.99)
  }
  return result
}

/**
 * BENCH_CPU_PROFILE=path: a CPU profile of the measured phase only (not the
 * set-up), for "where the time goes"; opens in Chrome DevTools.
 */
async function profiler(path: string | undefined) {
  if (!path) return { stop: async () => {} }
  const { Session } = await import('node:inspector/promises')
  const { writeFileSync } = await import('node:fs')
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop')
      writeFileSync(path, JSON.stringify(profile))
      session.disconnect()
    },
  }
}

function percentile(values: number[], share: number) {
  const sorted = [...values].sort((a, b) => a - b)
  return (
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] * 10) / 10
  )
}

async function benchUser() {
  const { default: User } = await import('#models/user')
  return (
    (await User.findBy('email', 'bench@hdtickets.local')) ??
    (await User.create({
      email: 'bench@hdtickets.local',
      password: 'bench password 123',
      role: 'member',
      timezone: 'UTC',
    }))
  )
}

/** One filter rule per league (every event watched), no cap, no cooldown: every new listing alerts. */
async function createBenchRules() {
  const user = await benchUser()
  const leagues = (await db.from('events').distinct('league'))
    .map((row) => row.league)
    .filter(Boolean)
  const { default: WatchRule } = await import('#models/watch_rule')
  for (const league of leagues) {
    await WatchRule.create({
      userId: user.id,
      name: `bench ${league}`,
      eventId: null,
      filters: { league },
      maxPriceMinor: null,
      currency: null,
      includeFees: false,
      minQuantity: 1,
      sections: [],
      triggers: [{ kind: 'available' }, { kind: 'price_drop', percent: 1 }],
      hysteresisMinor: 0,
      cooldownSeconds: 0,
      channels: ['inapp'],
      importance: 3,
      autoPurchase: false,
      enabled: true,
    })
  }
  const { forgetRuleCache } = await import('#alerts/alert_service')
  forgetRuleCache()
}

/**
 * Approved → order placed: `count` requests for distinct sandbox listings,
 * approved one every `spacingMs` (0: all at once), each executed as the
 * queue job would run it; the time from the approval call to the stored
 * order.
 */
async function measureApproveToOrder(count: number, spacingMs = 0, skip = 0) {
  const user = await benchUser()
  const { default: AccountService } = await import('#services/account_service')
  const { sandboxCredential } = await import('#connectors/sandbox/sandbox_credentials')
  const sandbox = await db.from('platforms').where('slug', 'sandbox').first()
  const linked = await db
    .from('accounts')
    .where({ user_id: user.id, platform_id: sandbox.id })
    .first()
  if (!linked)
    await new AccountService().link(user, {
      platform: 'sandbox',
      username: 'bench',
      credentials: sandboxCredential(),
    })
  const { purchaseService, purchaseExecutor } = await import('#purchasing/settings')
  const service = purchaseService()
  /** Listings of games on sale (a postponed game refuses orders, as it should) */
  const listings = await db
    .from('listings')
    .join('event_sources', 'event_sources.id', 'listings.event_source_id')
    .join('events', 'events.id', 'event_sources.event_id')
    .where('listings.status', 'available')
    .where('listings.quantity', '>=', 1)
    .whereIn('events.status', ['onsale', 'scheduled'])
    .orderBy('listings.id')
    .offset(skip)
    .limit(count * 4)
    .select('listings.id', 'listings.price_minor', 'listings.splits')
  const requests: number[] = []
  for (const listing of listings) {
    if (requests.length >= count) break
    const splits: number[] =
      typeof listing.splits === 'string' ? JSON.parse(listing.splits) : (listing.splits ?? [1])
    try {
      const { request } = await service.create(user, {
        listingId: listing.id,
        quantity: Math.min(...splits),
        maxPriceMinor: Math.round(listing.price_minor * 1.5),
      })
      requests.push(request.id)
    } catch {
      /** a listing the market just moved: take the next */
    }
  }
  const latencies: number[] = []
  const outcomes = new Map<string, number>()
  const executor = purchaseExecutor()
  await Promise.all(
    requests.map(async (id, index) => {
      if (spacingMs) await new Promise((resolve) => setTimeout(resolve, index * spacingMs))
      const started = performance.now()
      await service.approve(user, id)
      const outcome = await executor.run(id)
      if (outcome.outcome === 'succeeded') latencies.push(performance.now() - started)
      else outcomes.set(outcome.outcome, (outcomes.get(outcome.outcome) ?? 0) + 1)
    })
  )
  return { latencies, failed: [...outcomes.values()].reduce((a, b) => a + b, 0) }
}
