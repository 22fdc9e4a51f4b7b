/**
 * Tells a channel's owner, in-app only, that the channel was switched off or
 * removed (the `notification_channel:*` listener calls this): a message about
 * a channel never goes through the channels themselves.
 */
import { hdtickets } from '#config/app'
import { buildAccountIssue } from '#notifications/message'
import { createNotifications } from '#notifications/create_notifications'
import type { ChannelSwitchedOff } from '#notifications/notification_events'

async function tellOwner({ channel, now }: ChannelSwitchedOff, issue: string, action: string) {
  const message = buildAccountIssue(
    { platform: 'HDTickets', issue, action },
    { appUrl: hdtickets.url, now, path: '/settings/notifications' }
  )
  message.title = `Action needed: notification channel "${channel.name}"`
  await createNotifications([{ userId: channel.userId, message, inAppOnly: true }], { now })
}

export function tellChannelDisabled(event: ChannelSwitchedOff) {
  const { channel, reason } = event
  return tellOwner(
    event,
    `Notifications to "${channel.name}" (${channel.kind}) are switched off: ${reason}`,
    'Check the settings under Settings → Notifications, then re-enable or replace the channel'
  )
}

export function tellChannelRemoved(event: ChannelSwitchedOff) {
  const { channel, reason } = event
  return tellOwner(
    event,
    `Removed the ${channel.kind} channel "${channel.name}": ${reason}`,
    'Subscribe this browser again under Settings → Notifications'
  )
}
