/**
 * What the notifications module announces, on the framework's emitter
 * (listeners: start/events.ts → app/listeners/).
 *
 * - `notification:due`: stored deliveries of these notifications are due now
 *   (a new notification, an escalation step, or the sweep finding deliveries
 *   whose job was lost). The deliveries are in the database before the event:
 *   the event only saves waiting for the sweep.
 * - `notification:held`: a notification's deliveries are held until `until`
 *   (quiet hours); `now` is the clock they were planned on.
 * - `notification_channel:disabled` / `notification_channel:removed`: a
 *   channel was switched off after failures, or removed because the push
 *   service said the subscription is gone; its owner is to be told.
 */
import type { ChannelKind } from '#models/notification_channel'

export interface NotificationsDue {
  notificationIds: number[]
}

export interface NotificationHeld {
  notificationId: number
  until: Date
  now: Date
}

export interface ChannelSwitchedOff {
  channel: { id: number; userId: number; kind: ChannelKind; name: string }
  reason: string
  now: Date
}

declare module '@adonisjs/core/types' {
  interface EventsList {
    'notification:due': NotificationsDue
    'notification:held': NotificationHeld
    'notification_channel:disabled': ChannelSwitchedOff
    'notification_channel:removed': ChannelSwitchedOff
  }
}
