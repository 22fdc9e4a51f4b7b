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
import { checkSource, type CheckOutcome } from '#monitoring/check_market_service'
import { checkStamps } from '#monitoring/check_stamps'

export interface PipelineBenchmarkOptions {
  sandboxUrl: string
  durationMs: number
  concurrency: number
  log?: (line: string) => void
}

async function countRows(table: string) {
  const row = await db.from(table).count('* as total').first()
  return Number(row.total)
}

async function runChecks(ids: number[], concurrency: number, until: () => boolean, onResult: (outcome: CheckOutcome) => void) {
  let cursor = 0
  const worker = async () => {
    while (!until()) {
      const id = ids[cursor++ % ids.length]
      onResult(await checkSource(id))
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

export async function runPipelineBenchmark(options: PipelineBenchmarkOptions) {
  const log = options.log ?? (() => {})

  log('preparing a fresh database')
  await db.connection().dropAllTables()
  const migrator = new MigrationRunner(db, app, { direction: 'up', dryRun: false } as any)
  await migrator.run()
  if (migrator.error) throw migrator.error
  await new PlatformSeeder(db.connection()).run()
  const runtime = await connectorRuntime()
  runtime.useSandboxAt(options.sandboxUrl)

  const discoveryStart = performance.now()
  const discovered = await discoverEvents('sandbox', {}, { maxPages: 100_000 })
  log(`discovered ${discovered.seen} events in ${Math.round(performance.now() - discoveryStart)} ms`)
  const ids = (await db.from('event_sources').where('state', 'active').orderBy('id').select('id')).map((row) => row.id)

  log('first full load (not measured)')
  const loadStart = performance.now()
  let loaded = 0
  await runChecks(ids, options.concurrency, () => loaded >= ids.length, () => loaded++)
  const listingRows = await countRows('listings')
  log(`loaded ${listingRows} listings in ${Math.round(performance.now() - loadStart)} ms`)

  log(`measuring for ${options.durationMs / 1000} s at concurrency ${options.concurrency}`)
  const historyBefore = await countRows('listing_changes')
  let checks = 0
  let changedChecks = 0
  let unchangedChecks = 0
  let reportedChanges = 0
  let failed = 0
  let peakRss = process.memoryUsage().rss
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
  }, 200)
  const cpuStart = process.cpuUsage()
  const wallStart = performance.now()
  const deadline = wallStart + options.durationMs
  await runChecks(ids, options.concurrency, () => performance.now() >= deadline, (outcome) => {
    checks++
    if (outcome.outcome === 'done') {
      if (outcome.changes > 0 || outcome.statusChanged) changedChecks++
      else unchangedChecks++
      reportedChanges += outcome.changes
    } else {
      failed++
    }
  })
  await checkStamps.flush()
  const wallMs = performance.now() - wallStart
  const cpu = process.cpuUsage(cpuStart)
  clearInterval(sampler)
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
  const historyWritten = (await countRows('listing_changes')) - historyBefore

  const result: Record<string, number | string> = {
    events: discovered.seen,
    listings: listingRows,
    checks,
    failed_checks: failed,
    changed_checks: changedChecks,
    unchanged_checks: unchangedChecks,
    checks_per_s: Math.round((checks / wallMs) * 1000 * 10) / 10,
    cpu_ms_per_check: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(checks, 1)) * 1000) / 1000,
    rss_mb: Math.round(peakRss / 1024 / 1024),
    db: db.connection().dialect.name,
  }
  if (unchangedChecks > 0) {
    result.history_rows_per_unchanged_check = (historyWritten - reportedChanges) / unchangedChecks
  }
  return result
}
