/**
 * A `system_alert` for every operator (admins and managers): stored once
 * per subject and day for each of them, pushed to their open dashboards and
 * handed to their notification channels. Used for what needs a person and
 * has no other owner, e.g. a host that answered with a challenge page.
 */
import { createHash } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { publishToUser } from '#monitoring/live_feed'

export interface OperatorAlert {
  /** Stable code, e.g. "source_blocked" (alerts.condition) */
  condition: string
  /** What it is about, e.g. "jsonld:tickets.example.org"; alerts are de-duplicated per subject and day */
  subject: string
  /** One sentence for people */
  text: string
  /** Shown as the component in notifications (e.g. the platform) */
  source: string
  figures?: Record<string, unknown>
}

export async function alertOperators(alert: OperatorAlert, now = new Date()): Promise<number> {
  const operators = (
    await db
      .from('users')
      .whereIn('role', ['admin', 'manager'])
      .whereNull('disabled_at')
      .select('id')
  ).map((row) => Number(row.id))
  const day = now.toISOString().slice(0, 10)
  const subject = createHash('sha256').update(alert.subject).digest('hex').slice(0, 24)
  const stored: number[] = []
  for (const userId of operators) {
    const dedupeKey = `operator:${alert.condition}:${subject}:${userId}:${day}`.slice(0, 191)
    const exists = await db.from('alerts').where('dedupe_key', dedupeKey).first()
    if (exists) continue
    await db.table('alerts').insert({
      user_id: userId,
      event_id: null,
      type: 'system_alert',
      condition: alert.condition.slice(0, 40),
      dedupe_key: dedupeKey,
      reason: JSON.stringify({ text: alert.text, source: alert.source, ...alert.figures }),
      detected_at: now,
      created_at: new Date(),
    })
    const row = await db.from('alerts').where('dedupe_key', dedupeKey).select('id').first()
    if (row) stored.push(Number(row.id))
    publishToUser(userId, {
      kind: 'alert',
      alert: { type: 'system_alert', condition: alert.condition, reason: { text: alert.text } },
    })
  }
  if (stored.length > 0) {
    const { notifyAlerts } = await import('#notifications/alert_notifications')
    await notifyAlerts(stored, now)
  }
  return stored.length
}
