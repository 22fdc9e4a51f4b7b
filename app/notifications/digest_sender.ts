/**
 * The SendNotificationDigests job's use case (every minute): every digest
 * whose window has closed goes out as one message per (channel, window),
 * through the same attempt and bookkeeping as a single delivery.
 */
import db from '@adonisjs/lucid/services/db'
import { hdtickets } from '#config/app'
import { buildDigest } from '#notifications/digests'
import { attempt, recordResult } from '#notifications/delivery'
import {
  messageFromRow,
  type ChannelRow,
  type DeliveryRow,
  type NotificationRow,
} from '#notifications/notification_rows'
import { affectedRows, dbTime } from '#purchasing/sql'

/** Sends every digest whose window has closed: one message per (channel, window). */
export async function sendDigests(now = new Date()): Promise<{ digests: number; items: number }> {
  const client = db.connection()
  const keys = await client
    .from('notification_deliveries')
    .where('mode', 'digest')
    .where('status', 'queued')
    .where('send_at', '<=', dbTime(client, now))
    .distinct('digest_key')
  let digests = 0
  let items = 0
  for (const { digest_key: digestKey } of keys) {
    const claimed = await client
      .from('notification_deliveries')
      .where('digest_key', digestKey)
      .where('status', 'queued')
      .where('send_at', '<=', dbTime(client, now))
      .update({ status: 'sending', updated_at: dbTime(client, now) })
    if (affectedRows(claimed) === 0) continue
    const rows: Array<DeliveryRow & { channel_id: number }> = await client
      .from('notification_deliveries')
      .where('digest_key', digestKey)
      .where('status', 'sending')
    const channel: ChannelRow | null = await client
      .from('notification_channels')
      .where('id', rows[0].channel_id)
      .first()
    const at = dbTime(client, now)
    if (!channel || channel.disabled_at) {
      await client
        .from('notification_deliveries')
        .whereIn(
          'id',
          rows.map((row) => row.id)
        )
        .update({
          status: 'skipped',
          last_error: channel ? 'channel disabled' : 'channel removed',
          updated_at: at,
        })
      continue
    }
    const notifications: NotificationRow[] = await client
      .from('notifications')
      .whereIn(
        'id',
        rows.map((row) => row.notification_id)
      )
      .orderBy('id')
    const message = buildDigest(notifications.map(messageFromRow), { appUrl: hdtickets.url, now })!
    const result = await attempt(channel, message, `digest:${digestKey}`, now)
    await recordResult(rows, channel, result, now)
    digests++
    items += rows.length
  }
  return { digests, items }
}
