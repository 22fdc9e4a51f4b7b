/**
 * Escalation: an unacknowledged high-priority ticket_available or
 * system_alert moves to the next channel of the user's chain every N
 * minutes. Pure: `now` is passed in. Run by app/notifications/escalation_runner.ts.
 */
import type { NotificationType } from '#models/notification'
import type { NotificationMessage, Priority } from '#notifications/message'
import type { ChannelRef } from '#notifications/preferences'

/** Types that escalate when high priority and unacknowledged. */
export const ESCALATING_TYPES: readonly NotificationType[] = ['ticket_available', 'system_alert']

export interface EscalationState {
  type: NotificationType
  priority: Priority
  /** Ordered channels; chain[0] went out with the message */
  chain: ChannelRef[]
  afterMinutes: number
  /** Steps of the chain already sent (≥ 1) */
  stepsSent: number
  lastSentAt: Date
  /** Set when the user opened, acknowledged or snoozed the alert */
  acknowledgedAt: Date | null
}

export type EscalationDecision =
  | { action: 'stop'; reason: 'acknowledged' | 'chain_exhausted' | 'not_escalatable' }
  | { action: 'wait'; until: Date; next: ChannelRef }
  | { action: 'escalate'; channel: ChannelRef; step: number; state: EscalationState }

export function isEscalatable(message: Pick<NotificationMessage, 'type' | 'priority'>): boolean {
  return message.priority === 'high' && ESCALATING_TYPES.includes(message.type)
}

/**
 * What to do now for an escalating notification: stop (acknowledged, chain
 * done, or not an escalating message), wait until a time, or send to the
 * next channel (the returned `state` records that step).
 */
export function nextEscalation(state: EscalationState, now: Date): EscalationDecision {
  if (!isEscalatable(state)) return { action: 'stop', reason: 'not_escalatable' }
  if (state.acknowledgedAt !== null && state.acknowledgedAt.getTime() <= now.getTime())
    return { action: 'stop', reason: 'acknowledged' }
  if (state.stepsSent >= state.chain.length) return { action: 'stop', reason: 'chain_exhausted' }
  const next = state.chain[state.stepsSent]
  const due = new Date(state.lastSentAt.getTime() + state.afterMinutes * 60_000)
  if (now.getTime() < due.getTime()) return { action: 'wait', until: due, next }
  return {
    action: 'escalate',
    channel: next,
    step: state.stepsSent,
    state: { ...state, stepsSent: state.stepsSent + 1, lastSentAt: now },
  }
}
