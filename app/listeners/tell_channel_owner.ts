/**
 * `notification_channel:disabled` / `:removed` → an in-app notification to
 * the channel's owner (app/notifications/channel_notices.ts). Awaited where
 * the channel is switched off, as the direct call was.
 */
import { tellChannelDisabled, tellChannelRemoved } from '#notifications/channel_notices'
import type { ChannelSwitchedOff } from '#notifications/notification_events'

export default class TellChannelOwner {
  disabled(event: ChannelSwitchedOff) {
    return tellChannelDisabled(event)
  }

  removed(event: ChannelSwitchedOff) {
    return tellChannelRemoved(event)
  }
}
