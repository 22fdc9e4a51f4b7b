/**
 * The SweepNotifications job's use case (every minute, and the embedded
 * tick): repairs what a killed worker left — alerts stored without their
 * notification, deliveries due for a while with no job on them (a worker
 * killed between commit and dispatch), and sends whose lease lapsed (killed
 * mid-send). The deliveries found are announced as `notification:due`, whose
 * listener queues their jobs.
 */
import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import { notifyPendingAlerts } from '#notifications/alert_notifications'
import { whereClaimable } from '#notifications/delivery'

export async function sweepNotifications(
  now = new Date(),
  graceMs = 30_000
): Promise<{ alerts: number; requeued: number }> {
  const alerts = await notifyPendingAlerts({ olderThan: new Date(now.getTime() - graceMs), now })
  const client = db.connection()
  const stuck = await whereClaimable(
    client.from('notification_deliveries').whereIn('mode', ['now', 'deferred', 'escalation']),
    client,
    now,
    new Date(now.getTime() - graceMs)
  )
    .limit(1000)
    .distinct('notification_id')
  if (stuck.length)
    await emitter.emit('notification:due', {
      notificationIds: stuck.map((row) => Number(row.notification_id)),
    })
  return { alerts, requeued: stuck.length }
}
