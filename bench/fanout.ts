/**
 * The alert → webhook benchmark (DESIGN §5: `webhook_deliveries_per_s`,
 * `alert_to_webhook_p99_ms`). The real path: alerts stored as the alert
 * service stores them, then `notifyAlerts` (notification + deliveries + the
 * DeliverNotification jobs), queue workers in this process sending signed
 * webhooks through the ChannelRegistry to a receiver in another process,
 * which notes when each arrived.
 *
 * Like the alert outbox, it notifies with `inline` (this process starts the
 * sends at once beside the queued jobs).
 * - Burst: `alerts` alerts stored at once (in batches of 500) →
 *   webhook_deliveries_per_s = deliveries ÷ (last arrival − first store).
 * - Paced: `pacedAlerts` alerts in batches of 10 at half the burst rate →
 *   alert_to_webhook_p50/p99_ms (alert stored → receiver got it).
 * It reports what it measured; nothing is a constant.
 */
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { MigrationRunner } from '@adonisjs/lucid/migration'
import notificationsConfig from '#config/notifications'
import { ChannelRegistry } from '#notifications/channels/registry'
import { useChannelRegistry } from '#notifications/runtime'
import { notifyAlerts } from '#notifications/alert_notifications'
import { createWorker } from '#services/embedded_worker'
import { encryptSecret } from '#security/secrets'
import { dbTime } from '#purchasing/sql'

export interface FanoutBenchmarkOptions {
  receiverUrl: string
  alerts: number
  pacedAlerts: number
  /** Alerts per second in the paced run; default half the burst rate */
  pacedRate?: number
  users: number
  /** Queue worker concurrency; default config/queue.ts */
  concurrency?: number
  log?: (line: string) => void
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits

async function stats(
  receiverUrl: string
): Promise<{ received: number; arrivals: Record<string, number> }> {
  const response = await fetch(`${receiverUrl}/stats`)
  return (await response.json()) as any
}

async function waitForArrivals(receiverUrl: string, ids: number[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const seen = await stats(receiverUrl)
    if (ids.every((id) => seen.arrivals[id] !== undefined) || Date.now() > deadline) return seen
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

let sequence = 0
/** Stores alerts as the alert service does (query builder, one insert) and returns their ids and the stored time. */
async function storeAlerts(
  userIds: number[],
  count: number
): Promise<{ ids: number[]; storedAt: number }> {
  const now = new Date()
  const rows = Array.from({ length: count }, (_, index) => {
    sequence++
    return {
      user_id: userIds[index % userIds.length],
      type: 'ticket_available',
      condition: 'available',
      dedupe_key: `bench:${sequence}`,
      price_minor: 8_500,
      currency: 'USD',
      reason: JSON.stringify({ text: 'benchmark alert' }),
      detected_at: now,
      created_at: now,
    }
  })
  await db.table('alerts').multiInsert(rows)
  const storedAt = Date.now()
  const ids = (
    await db
      .from('alerts')
      .whereIn(
        'dedupe_key',
        rows.map((row) => row.dedupe_key)
      )
      .select('id')
  ).map((row) => Number(row.id))
  return { ids, storedAt }
}

export async function runFanoutBenchmark(options: FanoutBenchmarkOptions) {
  const log = options.log ?? (() => {})
  log('preparing a fresh database')
  await db.connection().dropAllTables()
  const migrator = new MigrationRunner(db, app, { direction: 'up', dryRun: false } as any)
  await migrator.run()
  if (migrator.error) throw migrator.error

  // The receiver is on 127.0.0.1: the operator's allowance for private targets, as a lab install sets it.
  const registry = new ChannelRegistry({
    settings: {
      ...notificationsConfig,
      webhooks: { ...notificationsConfig.webhooks, allowPrivate: true, allowHttp: true },
    },
    vapidKeys: null,
  })
  useChannelRegistry(registry)
  await fetch(`${options.receiverUrl}/reset`, { method: 'POST' })

  log(`${options.users} users, each with one webhook channel`)
  const at = dbTime(db.connection(), new Date())
  const userIds: number[] = []
  for (let index = 0; index < options.users; index++) {
    await db.table('users').insert({
      email: `bench${index}@hdtickets.test`,
      password: 'x',
      role: 'member',
      timezone: 'UTC',
      created_at: at,
      updated_at: at,
    })
  }
  for (const row of await db.from('users').select('id')) userIds.push(Number(row.id))
  await db.table('notification_channels').multiInsert(
    userIds.map((userId) => ({
      user_id: userId,
      kind: 'webhook',
      name: 'bench receiver',
      encrypted_config: encryptSecret(
        { url: `${options.receiverUrl}/hook`, secret: 'whsec_benchmark_secret_0123456789' },
        'channel.config'
      ),
      consecutive_failures: 0,
      created_at: at,
      updated_at: at,
    }))
  )

  const worker = await createWorker({ concurrency: options.concurrency })
  worker.start(['notifications']).catch(() => {})

  // Burst: the throughput.
  log(`burst: ${options.alerts} alerts stored at once`)
  const burstIds: number[] = []
  let firstStored = 0
  const cpuStart = process.cpuUsage()
  for (let done = 0; done < options.alerts; done += 500) {
    const { ids, storedAt } = await storeAlerts(userIds, Math.min(500, options.alerts - done))
    firstStored ||= storedAt
    await notifyAlerts(ids, new Date(), { inline: true })
    burstIds.push(...ids)
  }
  const burst = await waitForArrivals(options.receiverUrl, burstIds, 600_000)
  const burstCpu = process.cpuUsage(cpuStart)
  const burstArrivals = burstIds
    .map((id) => burst.arrivals[id])
    .filter((value): value is number => value !== undefined)
  const lastArrival = Math.max(...burstArrivals)
  const perSecond = burstArrivals.length / ((lastArrival - firstStored) / 1000)
  log(`burst: ${burstArrivals.length}/${burstIds.length} delivered, ${round(perSecond)} per s`)

  // Paced: the latency, at half the burst rate, in batches of 10 as checks raise them.
  const rate = options.pacedRate ?? Math.max(10, perSecond / 2)
  const intervalMs = (10 / rate) * 1000
  log(`paced: ${options.pacedAlerts} alerts at ${round(rate)} per s (batches of 10)`)
  const stored = new Map<number, number>()
  const queuedMs: number[] = []
  const started = Date.now()
  for (let batch = 0; batch * 10 < options.pacedAlerts; batch++) {
    const due = started + batch * intervalMs
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()))
    const { ids, storedAt } = await storeAlerts(
      userIds,
      Math.min(10, options.pacedAlerts - batch * 10)
    )
    for (const id of ids) stored.set(id, storedAt)
    await notifyAlerts(ids, new Date(), { inline: true })
    queuedMs.push(Date.now() - storedAt)
  }
  queuedMs.sort((a, b) => a - b)
  const paced = await waitForArrivals(options.receiverUrl, [...stored.keys()], 120_000)
  const latencies = [...stored]
    .map(([id, storedAt]) =>
      paced.arrivals[id] === undefined ? null : paced.arrivals[id] - storedAt
    )
    .filter((value): value is number => value !== null)
    .sort((a, b) => a - b)
  await worker.stop()
  await registry.close()

  const attempts = await db.from('notification_attempts').count('* as total').first()
  const failed = await db
    .from('notification_deliveries')
    .whereNot('status', 'sent')
    .whereNot('channel_kind', 'inapp')
    .count('* as total')
    .first()
  return {
    webhook_deliveries_per_s: round(perSecond),
    alert_to_webhook_p50_ms: latencies.length ? round(percentile(latencies, 50)) : undefined,
    alert_to_webhook_p99_ms: latencies.length ? round(percentile(latencies, 99)) : undefined,
    notification_fanout: {
      burst_alerts: burstIds.length,
      burst_delivered: burstArrivals.length,
      burst_cpu_ms_per_delivery: round(
        (burstCpu.user + burstCpu.system) / 1000 / Math.max(1, burstArrivals.length),
        2
      ),
      paced_alerts: stored.size,
      paced_delivered: latencies.length,
      paced_rate_per_s: round(rate),
      /** Alert stored → its notification, deliveries and job stored (the part before the queue) */
      paced_alert_to_queued_p50_ms: queuedMs.length ? round(percentile(queuedMs, 50)) : undefined,
      paced_alert_to_queued_p99_ms: queuedMs.length ? round(percentile(queuedMs, 99)) : undefined,
      paced_alert_to_webhook_p90_ms: latencies.length
        ? round(percentile(latencies, 90))
        : undefined,
      paced_alert_to_webhook_max_ms: latencies.length ? latencies[latencies.length - 1] : undefined,
      attempts_logged: Number(attempts?.total ?? 0),
      deliveries_not_sent: Number(failed?.total ?? 0),
      users: options.users,
      worker_concurrency: options.concurrency ?? app.config.get<number>('queue.worker.concurrency'),
      db: db.connection().dialect.name,
    },
  }
}
