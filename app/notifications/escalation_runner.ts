/**
 * The EscalateNotifications job's use case (every minute): unacknowledged
 * high-priority notifications move to the next channel of their chain
 * (escalation.ts decides). A step is a new delivery row, stored with the
 * chain's new state in one transaction; `notification:due` then queues it
 * (the sweep does, should that event's job be lost).
 */
import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import { idempotencyKeyFor } from '#notifications/channels/contract'
import { nextEscalation, type EscalationState } from '#notifications/escalation'
import { parseJson } from '#notifications/notification_rows'
import { dbTime, fromDbTime } from '#purchasing/sql'

/** Moves unacknowledged high-priority notifications to the next channel of their chain. */
export async function runEscalations(
  now = new Date()
): Promise<{ escalated: number; stopped: number }> {
  const client = db.connection()
  const due = await client
    .from('notification_escalations')
    .join('notifications', 'notifications.id', 'notification_escalations.notification_id')
    .leftJoin('alerts', 'alerts.id', 'notifications.alert_id')
    .whereNull('notification_escalations.finished_at')
    .where('notification_escalations.due_at', '<=', dbTime(client, now))
    .select(
      'notification_escalations.*',
      'notifications.read_at',
      'alerts.acknowledged_at',
      'alerts.snoozed_until'
    )
  let escalated = 0
  let stopped = 0
  for (const row of due) {
    const raw = parseJson(row.state)
    const acknowledgedAt =
      fromDbTime(row.read_at) ?? fromDbTime(row.acknowledged_at) ?? (row.snoozed_until ? now : null)
    const state: EscalationState = { ...raw, lastSentAt: new Date(raw.lastSentAt), acknowledgedAt }
    const decision = nextEscalation(state, now)
    if (decision.action === 'stop') {
      await client
        .from('notification_escalations')
        .where('id', row.id)
        .update({ finished_at: dbTime(client, now) })
      stopped++
    } else if (decision.action === 'wait') {
      await client
        .from('notification_escalations')
        .where('id', row.id)
        .update({ due_at: dbTime(client, decision.until) })
    } else {
      const at = dbTime(client, now)
      await db.transaction(async (trx) => {
        await trx
          .table('notification_deliveries')
          .insert({
            notification_id: row.notification_id,
            channel_id: decision.channel.id,
            channel_kind: decision.channel.kind,
            idempotency_key: `${idempotencyKeyFor(row.notification_id, decision.channel.id, decision.channel.kind)}:e${decision.step}`,
            status: 'queued',
            mode: 'escalation',
            attempts: 0,
            send_at: at,
            created_at: at,
            updated_at: at,
          })
          .onConflict('idempotency_key')
          .ignore()
        await trx
          .from('notification_escalations')
          .where('id', row.id)
          .update({
            state: JSON.stringify(decision.state),
            due_at: dbTime(trx, new Date(now.getTime() + decision.state.afterMinutes * 60_000)),
          })
      })
      await emitter.emit('notification:due', { notificationIds: [Number(row.notification_id)] })
      escalated++
    }
  }
  return { escalated, stopped }
}
