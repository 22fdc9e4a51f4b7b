/**
 * Who gets one message, on which channel, when: the user's preferences,
 * quiet hours, digests and the first step of an escalation, decided for one
 * message. Pure: no database, no clock (`now` is passed in), no network.
 */
import type { ChannelKind } from '#models/notification_channel'
import type { NotificationMessage, Priority } from '#notifications/message'
import type { ChannelRef, NotificationPreferences, UserChannel } from '#notifications/preferences'
import { isQuietAt, quietHoursEnd } from '#notifications/quiet_hours'
import { digestWindow } from '#notifications/digests'
import { isEscalatable, type EscalationState } from '#notifications/escalation'

/** Channels that interrupt a person (quiet hours and digests apply to these). */
export const HUMAN_CHANNELS: readonly ChannelKind[] = [
  'email',
  'sms',
  'webpush',
  'slack',
  'discord',
]

export type DeliveryMode = 'now' | 'deferred' | 'digest'

export interface PlannedDelivery extends ChannelRef {
  mode: DeliveryMode
  /** When to send: `now` itself, the end of quiet hours, or the end of the digest window */
  sendAt: Date
  /** For digests: the window this message joins (group by channel + windowEnd) */
  digestWindow?: { start: Date; end: Date }
  reason: string
}

export interface DeliveryPlan {
  deliveries: PlannedDelivery[]
  skipped: Array<ChannelRef & { reason: string }>
  /** Set when the message escalates: store it and call nextEscalation() from a delayed job */
  escalation: EscalationState | null
}

/** Channels a type goes to when the user never chose: every active channel, SMS only for high priority. */
export function defaultChannelIds(priority: Priority, channels: UserChannel[]): number[] {
  return channels
    .filter((channel) => channel.active && (channel.kind !== 'sms' || priority === 'high'))
    .map((channel) => channel.id)
}

export function planDeliveries(input: {
  message: Pick<NotificationMessage, 'type' | 'priority'>
  preferences: NotificationPreferences
  channels: UserChannel[]
  now: Date
}): DeliveryPlan {
  const { message, preferences, channels, now } = input
  const byId = new Map(channels.map((channel) => [channel.id, channel]))
  const chosen = preferences.types[message.type] ?? defaultChannelIds(message.priority, channels)
  const plan: DeliveryPlan = { deliveries: [], skipped: [], escalation: null }

  // Escalation: only the chain's first step goes out now; later steps wait for nextEscalation().
  const escalates =
    isEscalatable(message) &&
    preferences.escalation !== null &&
    preferences.escalation.channelIds.length > 0
  const chain = escalates
    ? preferences
        .escalation!.channelIds.map((id) => byId.get(id))
        .filter((channel): channel is UserChannel => Boolean(channel?.active))
    : []
  const held = new Set(chain.slice(1).map((channel) => channel.id))
  const targets = new Set(chosen)
  if (chain.length > 0) targets.add(chain[0].id)

  for (const id of targets) {
    const channel = byId.get(id)
    if (!channel) continue
    const ref = { id: channel.id, kind: channel.kind }
    if (!channel.active) {
      plan.skipped.push({ ...ref, reason: 'channel disabled' })
      continue
    }
    if (held.has(id)) {
      plan.skipped.push({ ...ref, reason: 'escalation step: sent only if unacknowledged' })
      continue
    }
    plan.deliveries.push({
      ...ref,
      ...scheduleFor(channel.kind, message.priority, preferences, now),
    })
  }

  if (chain.length > 1) {
    plan.escalation = {
      type: message.type,
      priority: message.priority,
      chain: chain.map((channel) => ({ id: channel.id, kind: channel.kind })),
      afterMinutes: preferences.escalation!.afterMinutes,
      stepsSent: 1,
      lastSentAt: now,
      acknowledgedAt: null,
    }
  }
  return plan
}

/** When one message goes to one channel kind. */
export function scheduleFor(
  kind: ChannelKind,
  priority: Priority,
  preferences: Pick<NotificationPreferences, 'timeZone' | 'quietHours' | 'digestMinutes'>,
  now: Date
): Omit<PlannedDelivery, keyof ChannelRef> {
  if (!HUMAN_CHANNELS.includes(kind))
    return { mode: 'now', sendAt: now, reason: `${kind} is never held` }
  if (priority === 'high')
    return { mode: 'now', sendAt: now, reason: 'high priority passes quiet hours and digests' }

  if (priority === 'low' && preferences.digestMinutes) {
    const window = digestWindow(now, preferences.digestMinutes, preferences.timeZone)
    let sendAt = window.end
    let reason = `low priority: digest every ${preferences.digestMinutes} min`
    if (preferences.quietHours && isQuietAt(sendAt, preferences.quietHours, preferences.timeZone)) {
      sendAt = quietHoursEnd(sendAt, preferences.quietHours, preferences.timeZone)
      reason += ', sent after quiet hours'
    }
    return { mode: 'digest', sendAt, digestWindow: window, reason }
  }

  if (preferences.quietHours && isQuietAt(now, preferences.quietHours, preferences.timeZone)) {
    return {
      mode: 'deferred',
      sendAt: quietHoursEnd(now, preferences.quietHours, preferences.timeZone),
      reason: 'quiet hours: waits until they end',
    }
  }
  return { mode: 'now', sendAt: now, reason: 'no quiet hours now' }
}
