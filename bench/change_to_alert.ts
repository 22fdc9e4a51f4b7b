/**
 * Change → alert, the whole path as it runs in production: the change is
 * made in the sandbox exchange (its own process), the real dispatcher tick
 * hands due pairs to the queue, a real queue worker runs the check, the rule
 * raises the alert. Each sample's latency includes waiting for the pair's
 * next check, so it is reported beside that pair's check interval: the
 * target is latency ≤ interval + 250 ms.
 */
import { request } from 'undici'
import db from '@adonisjs/lucid/services/db'
import { fromDbTime } from '#purchasing/sql'
import { signRequest } from '#connectors/ticketevolution/signing'
import { sandboxCredential } from '#connectors/sandbox/sandbox_credentials'

/** A stored timestamp (any of the encodings the tables hold) in epoch ms. */
export const storedMs = (value: unknown) => fromDbTime(value)?.getTime() ?? Number.NaN

export interface ChangeToAlertResult {
  samples: number
  alerted: number
  latencies: number[]
  /** latency − the pair's check interval, per alerted sample */
  excess: number[]
  intervals: number[]
}

async function mutate(sandboxUrl: string, body: Record<string, unknown>) {
  const url = new URL('/__sandbox/mutate', sandboxUrl)
  const credential = sandboxCredential()
  const json = JSON.stringify(body)
  const signature = signRequest(String(credential.secret), {
    method: 'POST',
    host: url.host,
    path: url.pathname,
    body: json,
  })
  const res = await request(url, {
    method: 'POST',
    body: json,
    headers: {
      'x-token': String(credential.token),
      'x-signature': signature,
      'content-type': 'application/json',
    },
  })
  const text = await res.body.text()
  if (res.statusCode !== 200)
    throw new Error(`sandbox mutate answered ${res.statusCode}: ${text.slice(0, 200)}`)
}

export async function measureChangeToAlert(options: {
  sandboxUrl: string
  sourceIds: number[]
  samples: number
  /** Changes are spread over this window, then the run waits for the slowest pair's next check */
  spreadMs: number
  timeoutMs: number
  log?: (line: string) => void
}): Promise<ChangeToAlertResult> {
  const { createWorker } = await import('#services/embedded_worker')
  const { dispatchDueChecks, rescaleIntervals, TICK_MS } = await import('#monitoring/due_checks')
  const { sweepOutbox } = await import('#alerts/alert_service')
  const log = options.log ?? (() => {})

  await rescaleIntervals()
  const worker = await createWorker()
  const running = worker.start(['checks']).catch(() => {})
  let ticking = false
  const timer = setInterval(async () => {
    if (ticking) return
    ticking = true
    try {
      await dispatchDueChecks()
      await sweepOutbox()
    } catch (error) {
      /** A tick that failed is the next tick's to do (as in the embedded runtime) */
      log(`change → alert: a dispatcher tick failed (${(error as Error).message})`)
    } finally {
      ticking = false
    }
  }, TICK_MS)

  // random active pairs, each with an available listing to cut the price of
  const pool = [...options.sourceIds]
  const chosen: Array<{ id: number; external_id: string; price_minor: number; source_id: number }> =
    []
  while (pool.length && chosen.length < options.samples) {
    const [sourceId] = pool.splice(Math.floor(Math.random() * pool.length), 1)
    const row = await db
      .from('listings')
      .join('event_sources', 'event_sources.id', 'listings.event_source_id')
      .where('event_sources.id', sourceId)
      .where('event_sources.state', 'active')
      .where('listings.status', 'available')
      .whereNotNull('listings.price_minor')
      .select(
        'listings.id',
        'listings.external_id',
        'listings.price_minor',
        'event_sources.id as source_id'
      )
      .first()
    if (row) chosen.push(row)
  }
  log(
    `change → alert: ${chosen.length} price cuts in the sandbox over ${options.spreadMs / 1000} s, real dispatcher (tick ${TICK_MS} ms) and queue worker`
  )

  const made: Array<{ listingId: number; sourceId: number; at: number; intervalMs: number }> = []
  const start = Date.now()
  await Promise.all(
    chosen.map(async (row, index) => {
      await new Promise((resolve) =>
        setTimeout(resolve, (options.spreadMs * index) / Math.max(1, chosen.length))
      )
      const source = await db
        .from('event_sources')
        .where('id', row.source_id)
        .select('check_interval_ms')
        .first()
      const at = Date.now()
      try {
        await mutate(options.sandboxUrl, {
          op: 'setPrice',
          listingId: Number(row.external_id),
          retailCents: Math.max(500, Math.round(row.price_minor / 2)),
        })
      } catch (error) {
        /** The sandbox's own market sold or removed that listing meanwhile: one sample fewer. */
        log(`change → alert: a price cut was refused (${(error as Error).message}); skipped`)
        return
      }
      made.push({
        listingId: row.id,
        sourceId: row.source_id,
        at,
        intervalMs: Number(source?.check_interval_ms ?? 0),
      })
    })
  )

  const waitUntil = Math.min(
    start + options.timeoutMs,
    Date.now() + Math.max(...made.map((m) => m.intervalMs), 0) + 5_000
  )
  const found = new Map<number, number>()
  while (Date.now() < waitUntil && found.size < made.length) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    const rows = await db
      .from('alerts')
      .whereIn(
        'listing_id',
        made.map((m) => m.listingId)
      )
      .select('listing_id', 'created_at')
    for (const m of made) {
      const hit = rows
        .filter((r) => Number(r.listing_id) === m.listingId && storedMs(r.created_at) >= m.at)
        .map((r) => storedMs(r.created_at))
      if (hit.length && !found.has(m.listingId)) found.set(m.listingId, Math.min(...hit))
    }
  }
  log(
    `change → alert: ${found.size}/${made.length} alerted; check intervals ${made.map((m) => Math.round(m.intervalMs / 1000)).join(', ')} s`
  )
  clearInterval(timer)
  await worker.stop()
  await running

  const result: ChangeToAlertResult = {
    samples: made.length,
    alerted: found.size,
    latencies: [],
    excess: [],
    intervals: [],
  }
  for (const m of made) {
    const alertAt = found.get(m.listingId)
    result.intervals.push(m.intervalMs)
    if (alertAt === undefined) continue
    result.latencies.push(alertAt - m.at)
    result.excess.push(alertAt - m.at - m.intervalMs)
  }
  return result
}
