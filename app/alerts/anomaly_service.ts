/**
 * Anomaly sweep: builds recent series from the stored history and asks the
 * detector (median/MAD) about the latest point. A source whose success rate
 * drops becomes a `system_alert` for every manager and admin; a price spike
 * or crash on an event becomes a `price_alert` for the users whose rules
 * watch it. Each finding carries the figures that tripped it, and is
 * de-duplicated per subject and hour.
 */
import db from '@adonisjs/lucid/services/db'
import {
  detectPriceAnomaly,
  detectSuccessRateDrop,
  detectListingCountAnomaly,
  type AnomalyFinding,
} from '#alerts/anomaly_detector'
import { publishToUser } from '#monitoring/live_feed'

const BUCKET_MS = 30 * 60_000

async function store(finding: AnomalyFinding, userIds: number[], now: Date) {
  const hour = Math.floor(now.getTime() / 3_600_000)
  const subject = finding.subject.eventId
    ? `event:${finding.subject.eventId}`
    : `source:${finding.subject.source}`
  let created = 0
  for (const userId of userIds) {
    const dedupeKey = `anomaly:${finding.kind}:${subject}:${userId}:${hour}`
    const exists = await db.from('alerts').where('dedupe_key', dedupeKey).first()
    if (exists) continue
    await db.table('alerts').insert({
      user_id: userId,
      event_id: finding.subject.eventId ?? null,
      type: finding.alertType,
      condition: finding.kind,
      dedupe_key: dedupeKey,
      reason: JSON.stringify({ text: finding.text, ...finding.figures }),
      detected_at: new Date(finding.at),
      created_at: new Date(),
    })
    publishToUser(userId, {
      kind: 'alert',
      alert: { type: finding.alertType, condition: finding.kind, reason: { text: finding.text } },
    })
    const stored = await db.from('alerts').where('dedupe_key', dedupeKey).select('id').first()
    if (stored) {
      const { notifyAlerts } = await import('#notifications/alert_notifications')
      await notifyAlerts([Number(stored.id)], now)
    }
    created++
  }
  return created
}

export async function detectAndRaiseAnomalies(now = new Date()) {
  const findings: AnomalyFinding[] = []
  const since = new Date(now.getTime() - 48 * 3_600_000)

  const operators = (
    await db
      .from('users')
      .whereIn('role', ['admin', 'manager'])
      .whereNull('disabled_at')
      .select('id')
  ).map((row) => row.id as number)
  const stats = await db
    .from('platform_check_stats')
    .join('platforms', 'platforms.id', 'platform_check_stats.platform_id')
    .where('bucket_start', '>=', since)
    .orderBy('bucket_start')
    .select('platforms.slug', 'bucket_start', 'ok', 'failed', 'blocked', 'rate_limited')
  const bySource = new Map<string, Array<{ at: Date; ok: number; total: number }>>()
  for (const row of stats) {
    const series = bySource.get(row.slug) ?? []
    series.push({
      at: new Date(row.bucket_start),
      ok: Number(row.ok),
      total: Number(row.ok) + Number(row.failed) + Number(row.blocked) + Number(row.rate_limited),
    })
    bySource.set(row.slug, series)
  }
  let raised = 0
  for (const [source, series] of bySource) {
    const finding = detectSuccessRateDrop({ source, series })
    if (finding) {
      findings.push(finding)
      raised += await store(finding, operators, now)
    }
  }

  const changes = await db
    .from('listing_changes')
    .where('observed_at', '>=', new Date(now.getTime() - 24 * 3_600_000))
    .orderBy('observed_at')
    .limit(200_000)
    .select('event_id', 'kind', 'new_price_minor', 'currency', 'observed_at')
  const perEvent = new Map<
    number,
    { prices: Map<number, number>; counts: Map<number, number>; currency: string }
  >()
  for (const row of changes) {
    const bucket = Math.floor(new Date(row.observed_at).getTime() / BUCKET_MS) * BUCKET_MS
    const entry = perEvent.get(row.event_id) ?? {
      prices: new Map(),
      counts: new Map(),
      currency: row.currency,
    }
    if (row.kind !== 'gone' && row.new_price_minor !== null && row.currency === entry.currency) {
      const current = entry.prices.get(bucket)
      if (current === undefined || row.new_price_minor < current)
        entry.prices.set(bucket, Number(row.new_price_minor))
    }
    const delta = row.kind === 'appeared' ? 1 : row.kind === 'gone' ? -1 : 0
    entry.counts.set(bucket, (entry.counts.get(bucket) ?? 0) + delta)
    perEvent.set(row.event_id, entry)
  }
  for (const [eventId, entry] of perEvent) {
    const prices = [...entry.prices]
      .sort((a, b) => a[0] - b[0])
      .map(([at, value]) => ({ at, value }))
    let running = 0
    const counts = [...entry.counts]
      .sort((a, b) => a[0] - b[0])
      .map(([at, delta]) => ({ at, value: (running += delta) }))
    const found = [
      detectPriceAnomaly({ eventId, currency: entry.currency, series: prices }),
      detectListingCountAnomaly({ eventId, series: counts }),
    ].filter((finding): finding is AnomalyFinding => finding !== null)
    if (found.length === 0) continue
    const watchers = (
      await db
        .from('watch_rules')
        .where('event_id', eventId)
        .where('enabled', true)
        .distinct('user_id')
    ).map((row) => row.user_id as number)
    for (const finding of found) {
      findings.push(finding)
      raised += await store(finding, watchers, now)
    }
  }
  return { findings, raised }
}
