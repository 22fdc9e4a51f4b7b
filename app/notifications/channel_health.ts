/**
 * A channel's health, kept from its deliveries: a success clears its failure
 * run (and verifies it), a failure lengthens the run, and a run long enough
 * (config: notifications.webhooks) switches the channel off. A channel at
 * fault is switched off at once; a push subscription the service says is
 * gone is removed. Either way `notification_channel:disabled` / `:removed`
 * is emitted, and its listener tells the owner in-app (channel_notices.ts).
 */
import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import notificationsConfig from '#config/notifications'
import type { ChannelRow } from '#notifications/notification_rows'
import { shouldDisable } from '#notifications/retry_policy'
import { affectedRows, dbTime, fromDbTime } from '#purchasing/sql'

/** The event's view of a channel: who owns it and what to call it. */
function described(channel: ChannelRow) {
  return {
    id: Number(channel.id),
    userId: Number(channel.user_id),
    kind: channel.kind,
    name: channel.name,
  }
}

/** A delivery went through: the failure run ends, and the channel counts as verified. */
export async function channelSucceeded(
  client: QueryClientContract,
  channel: ChannelRow,
  now: Date
) {
  if (Number(channel.consecutive_failures) === 0 && !channel.failing_since && channel.verified_at)
    return
  await client
    .from('notification_channels')
    .where('id', channel.id)
    .update({
      consecutive_failures: 0,
      failing_since: null,
      verified_at: channel.verified_at ?? dbTime(client, now),
    })
}

/** A delivery failed: the run grows. Says whether it is now long enough to switch the channel off. */
export async function channelFailed(client: QueryClientContract, channel: ChannelRow, now: Date) {
  const failures = Number(channel.consecutive_failures) + 1
  const failingSince = fromDbTime(channel.failing_since) ?? now
  await client
    .from('notification_channels')
    .where('id', channel.id)
    .update({ consecutive_failures: failures, failing_since: dbTime(client, failingSince) })
  const { webhooks } = notificationsConfig
  const runIsTooLong = shouldDisable(failures, {
    threshold: webhooks.disableAfterFailures,
    failingSince,
    now,
    minFailingMs: webhooks.minFailingMs,
  })
  return { failures, failingSince, runIsTooLong }
}

/** Disables a channel (once) and has its owner told. */
export async function disableChannel(channel: ChannelRow, reason: string, now: Date) {
  const client = db.connection()
  const updated = await client
    .from('notification_channels')
    .where('id', channel.id)
    .whereNull('disabled_at')
    .update({ disabled_at: dbTime(client, now), disabled_reason: reason })
  if (affectedRows(updated) !== 1) return
  await emitter.emit('notification_channel:disabled', { channel: described(channel), reason, now })
}

/** A push subscription the service says is gone: removed, owner told. */
export async function removeChannel(channel: ChannelRow, reason: string, now: Date) {
  await db.from('notification_channels').where('id', channel.id).delete()
  await emitter.emit('notification_channel:removed', { channel: described(channel), reason, now })
}
