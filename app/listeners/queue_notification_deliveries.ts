/**
 * `notification:due` / `notification:held` → DeliverNotification jobs. Due
 * notifications go out in jobs of JOB_BATCH (a check's alerts together: fewer
 * queue round trips); a held one gets a job delayed until its deliveries are
 * due. The deliveries are stored before the event: a job lost here is queued
 * again by the notification sweep.
 */
import DeliverNotification from '#jobs/deliver_notification'
import type { NotificationHeld, NotificationsDue } from '#notifications/notification_events'

/** Notifications per DeliverNotification job. */
const JOB_BATCH = 20

export default class QueueNotificationDeliveries {
  async due({ notificationIds }: NotificationsDue) {
    if (notificationIds.length === 1) {
      await DeliverNotification.dispatch({ notificationId: notificationIds[0] })
      return
    }
    const batches: Array<{ notificationIds: number[] }> = []
    for (let index = 0; index < notificationIds.length; index += JOB_BATCH)
      batches.push({ notificationIds: notificationIds.slice(index, index + JOB_BATCH) })
    if (batches.length) await DeliverNotification.dispatchMany(batches)
  }

  async held({ notificationId, until, now }: NotificationHeld) {
    await DeliverNotification.dispatch({ notificationId }).in(
      Math.max(0, until.getTime() - now.getTime())
    )
  }
}
