import { DateTime, IANAZone } from 'luxon'
import type { ChannelKind } from '#models/notification_channel'
import type { NotificationType } from '#models/notification'
import type { FieldError } from '#notifications/channels/contract'
import type { DigestItem, NotificationMessage, Priority } from '#notifications/message'
import { NOTIFICATION_TYPES, deepLink } from '#notifications/message'
import { plural } from '#notifications/format'

/**
 * Who gets what, when: the pure decisions behind every delivery. No
 * database, no clock (`now` is passed in), no network.
 *
 * - Preferences: per type, the channel ids that receive it (defaults when a
 *   type has no entry; an empty list mutes the type).
 * - Quiet hours, in the user's IANA time zone: non-urgent deliveries to
 *   human channels wait until they end; high priority passes; in-app and
 *   webhooks (machines) are never held.
 * - Digest: low-priority messages to human channels are batched per window
 *   of N minutes (windows aligned to local midnight) into one message.
 * - Escalation: an unacknowledged high-priority ticket_available or
 *   system_alert moves to the next channel of the chain every N minutes.
 * - Retries: the webhook backoff schedule (30 s … 6 h) and when to disable
 *   an endpoint after a run of failures.
 */

/** Channels that interrupt a person (quiet hours and digests apply to these). */
export const HUMAN_CHANNELS: readonly ChannelKind[] = [
  'email',
  'sms',
  'webpush',
  'slack',
  'discord',
]

/** Types that escalate when high priority and unacknowledged. */
export const ESCALATING_TYPES: readonly NotificationType[] = ['ticket_available', 'system_alert']

export interface ChannelRef {
  id: number
  kind: ChannelKind
}

export interface UserChannel extends ChannelRef {
  /** Not disabled (and verified where the kind needs it) */
  active: boolean
}

export interface QuietHours {
  /** Local wall-clock "HH:MM"; the window may cross midnight (22:00 → 07:00) */
  start: string
  end: string
}

export interface NotificationPreferences {
  /** IANA time zone (users.timezone) */
  timeZone: string
  quietHours: QuietHours | null
  /** Digest window for low-priority messages, minutes; null = every message on its own */
  digestMinutes: number | null
  /** Ordered chain of channel ids; step 0 goes out with the message, each next one after `afterMinutes` unacknowledged */
  escalation: { afterMinutes: number; channelIds: number[] } | null
  /** Per type, the channel ids that receive it. Missing: defaults; [] mutes the type. */
  types: Partial<Record<NotificationType, number[]>>
}

export const DEFAULT_PREFERENCES: Omit<NotificationPreferences, 'timeZone'> = {
  quietHours: null,
  digestMinutes: null,
  escalation: null,
  types: {},
}

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

// ---------------------------------------------------------------------------
// Preferences and the plan for one message
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Quiet hours
// ---------------------------------------------------------------------------

function parseClock(value: string): { hour: number; minute: number } | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value)
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : null
}

function clockOrThrow(value: string): { hour: number; minute: number } {
  const clock = parseClock(value)
  if (!clock) throw new RangeError(`not an "HH:MM" time: "${value}"`)
  return clock
}

function zoneOrThrow(timeZone: string): string {
  if (!IANAZone.isValidZone(timeZone)) throw new RangeError(`not an IANA time zone: "${timeZone}"`)
  return timeZone
}

/** Whether `at` falls inside the quiet hours in `timeZone` (start inclusive, end exclusive). */
export function isQuietAt(at: Date, quietHours: QuietHours, timeZone: string): boolean {
  const start = clockOrThrow(quietHours.start)
  const end = clockOrThrow(quietHours.end)
  const local = DateTime.fromJSDate(at, { zone: zoneOrThrow(timeZone) })
  const minute = local.hour * 60 + local.minute
  const from = start.hour * 60 + start.minute
  const to = end.hour * 60 + end.minute
  if (from === to) return false
  return from < to ? minute >= from && minute < to : minute >= from || minute < to
}

/**
 * The instant the quiet hours around `at` end: the next local wall-clock
 * `end` after `at`, so a DST change during the night is counted (the night
 * the clocks spring forward is an hour shorter). An `end` that falls in a DST
 * gap moves forward with the clocks.
 */
export function quietHoursEnd(at: Date, quietHours: QuietHours, timeZone: string): Date {
  const end = clockOrThrow(quietHours.end)
  const local = DateTime.fromJSDate(at, { zone: zoneOrThrow(timeZone) })
  const wallClock = (day: DateTime) =>
    DateTime.fromObject(
      { year: day.year, month: day.month, day: day.day, hour: end.hour, minute: end.minute },
      { zone: timeZone }
    )
  let candidate = wallClock(local)
  if (candidate.toMillis() <= local.toMillis()) candidate = wallClock(local.plus({ days: 1 }))
  return candidate.toJSDate()
}

// ---------------------------------------------------------------------------
// Digests
// ---------------------------------------------------------------------------

/**
 * The digest window holding `at`: windows of `minutes` counted in local wall
 * time from local midnight (a 60-minute digest in Asia/Kolkata closes at
 * 10:00 IST, not 10:30). The last window of a day ends at the next midnight.
 */
export function digestWindow(
  at: Date,
  minutes: number,
  timeZone: string
): { start: Date; end: Date } {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440)
    throw new RangeError(`digest minutes must be 1–1440, got ${minutes}`)
  const local = DateTime.fromJSDate(at, { zone: zoneOrThrow(timeZone) })
  const midnight = local.startOf('day')
  const elapsed = local.hour * 60 + local.minute
  const index = Math.floor(elapsed / minutes)
  const atWall = (minuteOfDay: number) =>
    minuteOfDay >= 1440
      ? midnight.plus({ days: 1 }).startOf('day')
      : DateTime.fromObject(
          {
            year: midnight.year,
            month: midnight.month,
            day: midnight.day,
            hour: Math.floor(minuteOfDay / 60),
            minute: minuteOfDay % 60,
          },
          { zone: timeZone }
        )
  const start = atWall(index * minutes)
  const end = atWall((index + 1) * minutes)
  return { start: start.toJSDate(), end: end.toJSDate() }
}

/**
 * Many low-priority messages → one. Null for none; the message itself for
 * one; otherwise a digest: title "N updates from HDTickets", a body counting
 * them per type, `digest` holding every item (oldest first; digests of
 * digests flatten), low priority. `type` and `data` are the newest item's so
 * the message stays well-typed; templates render `digest` instead of facts.
 */
export function buildDigest(
  messages: NotificationMessage[],
  options: { appUrl: string; now: Date }
): NotificationMessage | null {
  if (messages.length === 0) return null
  if (messages.length === 1) return messages[0]
  const items: DigestItem[] = [...messages]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .flatMap((message) =>
      message.digest?.length
        ? message.digest
        : [
            {
              type: message.type,
              title: message.title,
              body: message.body,
              link: message.link,
              createdAt: message.createdAt,
            },
          ]
    )
  const newest = [...messages].sort((a, b) => a.createdAt.localeCompare(b.createdAt))[
    messages.length - 1
  ]
  const types = new Set(items.map((item) => item.type))
  const counts = [...types].map((kind) =>
    plural(items.filter((item) => item.type === kind).length, DIGEST_NOUNS[kind])
  )
  return {
    type: newest.type,
    title: `${items.length} updates from HDTickets`,
    body: `${counts.join(', ')} since your last digest.`,
    link: deepLink(options.appUrl, '/alerts'),
    priority: 'low',
    createdAt: options.now.toISOString(),
    notificationId: null,
    data: newest.data,
    digest: items,
  }
}

const DIGEST_NOUNS: Record<NotificationType, string> = {
  ticket_available: 'ticket alert',
  price_alert: 'price alert',
  purchase_success: 'purchase',
  purchase_failed: 'failed purchase',
  account_issue: 'account issue',
  system_alert: 'system alert',
}

// ---------------------------------------------------------------------------
// Escalation
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Webhook retries and disabling
// ---------------------------------------------------------------------------

/** Delay before retry n (index 0 = after the first failure): 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h. */
export const WEBHOOK_RETRY_SCHEDULE_MS: readonly number[] = [
  30_000,
  2 * 60_000,
  10 * 60_000,
  30 * 60_000,
  60 * 60_000,
  3 * 60 * 60_000,
  6 * 60 * 60_000,
]

/** Consecutive failed attempts (no success between) that disable an endpoint… */
export const DEFAULT_DISABLE_AFTER_FAILURES = 24
/** …provided it has been failing at least this long (a burst of alerts during a short outage does not disable it). */
export const DEFAULT_MIN_FAILING_MS = 6 * 60 * 60_000

/**
 * How long to wait after `failedAttempts` failures (1 after the first) before
 * the next attempt; null when the schedule is spent (give up, mark failed).
 * A provider's Retry-After is honoured when longer. Jitter spreads retries
 * (±`jitter`, default 10 %); pass `random` for determinism.
 */
export function retryDelayMs(
  failedAttempts: number,
  options: {
    schedule?: readonly number[]
    retryAfterMs?: number | null
    jitter?: number
    random?: () => number
  } = {}
): number | null {
  const schedule = options.schedule ?? WEBHOOK_RETRY_SCHEDULE_MS
  if (!Number.isInteger(failedAttempts) || failedAttempts < 1)
    throw new RangeError(`failedAttempts must be ≥ 1, got ${failedAttempts}`)
  if (failedAttempts > schedule.length) return null
  const base = schedule[failedAttempts - 1]
  const jitter = options.jitter ?? 0.1
  const random = options.random ?? Math.random
  const spread = Math.round(base * (1 + jitter * (2 * random() - 1)))
  const cap = schedule[schedule.length - 1]
  return Math.max(spread, Math.min(options.retryAfterMs ?? 0, cap))
}

export function nextRetryAt(
  failedAttempts: number,
  now: Date,
  options: Parameters<typeof retryDelayMs>[1] = {}
): Date | null {
  const delay = retryDelayMs(failedAttempts, options)
  return delay === null ? null : new Date(now.getTime() + delay)
}

/**
 * Whether an endpoint should be disabled (and its owner told): a run of
 * `threshold` consecutive failed attempts, failing for at least
 * `minFailingMs` when `failingSince` (first failure after the last success,
 * from the delivery log) is given.
 */
export function shouldDisable(
  consecutiveFailures: number,
  options: {
    threshold?: number
    failingSince?: Date | null
    now?: Date
    minFailingMs?: number
  } = {}
): boolean {
  if (consecutiveFailures < (options.threshold ?? DEFAULT_DISABLE_AFTER_FAILURES)) return false
  if (!options.failingSince || !options.now) return true
  return (
    options.now.getTime() - options.failingSince.getTime() >=
    (options.minFailingMs ?? DEFAULT_MIN_FAILING_MS)
  )
}

// ---------------------------------------------------------------------------
// Validation of stored preferences (the settings page and the API)
// ---------------------------------------------------------------------------

export function validatePreferences(
  input: unknown,
  channelIds: number[]
): { ok: true; preferences: NotificationPreferences } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = []
  const record = (typeof input === 'object' && input !== null ? input : {}) as Record<
    string,
    unknown
  >
  const known = new Set(channelIds)
  const ids = (value: unknown, field: string): number[] => {
    if (!Array.isArray(value) || value.some((id) => !Number.isInteger(id))) {
      errors.push({
        field,
        code: 'E_INVALID_CHANNELS',
        message: 'A list of channel ids is expected',
      })
      return []
    }
    const unknownId = value.find((id) => !known.has(id as number))
    if (unknownId !== undefined)
      errors.push({
        field,
        code: 'E_UNKNOWN_CHANNEL',
        message: `Channel ${unknownId} is not one of yours`,
      })
    return value as number[]
  }

  const timeZone = typeof record.timeZone === 'string' ? record.timeZone : ''
  if (!IANAZone.isValidZone(timeZone)) {
    errors.push({
      field: 'timeZone',
      code: 'E_INVALID_TIME_ZONE',
      message: `"${timeZone}" is not an IANA time zone (e.g. Europe/London)`,
    })
  }

  let quietHours: QuietHours | null = null
  if (record.quietHours !== undefined && record.quietHours !== null) {
    const quiet = record.quietHours as Record<string, unknown>
    for (const key of ['start', 'end'] as const) {
      if (typeof quiet?.[key] !== 'string' || !parseClock(quiet[key] as string)) {
        errors.push({
          field: `quietHours.${key}`,
          code: 'E_INVALID_TIME',
          message: 'Use a 24-hour "HH:MM" time',
        })
      }
    }
    quietHours = { start: String(quiet?.start), end: String(quiet?.end) }
  }

  let digestMinutes: number | null = null
  if (record.digestMinutes !== undefined && record.digestMinutes !== null) {
    if (
      !Number.isInteger(record.digestMinutes) ||
      (record.digestMinutes as number) < 5 ||
      (record.digestMinutes as number) > 1440
    ) {
      errors.push({
        field: 'digestMinutes',
        code: 'E_OUT_OF_RANGE',
        message: 'A digest interval is 5 to 1440 minutes',
      })
    }
    digestMinutes = record.digestMinutes as number
  }

  let escalation: NotificationPreferences['escalation'] = null
  if (record.escalation !== undefined && record.escalation !== null) {
    const raw = record.escalation as Record<string, unknown>
    if (
      !Number.isInteger(raw?.afterMinutes) ||
      (raw.afterMinutes as number) < 1 ||
      (raw.afterMinutes as number) > 1440
    ) {
      errors.push({
        field: 'escalation.afterMinutes',
        code: 'E_OUT_OF_RANGE',
        message: 'Escalate after 1 to 1440 minutes',
      })
    }
    escalation = {
      afterMinutes: raw?.afterMinutes as number,
      channelIds: ids(raw?.channelIds, 'escalation.channelIds'),
    }
  }

  const types: NotificationPreferences['types'] = {}
  const rawTypes = (record.types ?? {}) as Record<string, unknown>
  for (const [type, value] of Object.entries(rawTypes)) {
    if (!(NOTIFICATION_TYPES as readonly string[]).includes(type)) {
      errors.push({
        field: `types.${type}`,
        code: 'E_UNKNOWN_TYPE',
        message: `Unknown notification type "${type}"`,
      })
      continue
    }
    types[type as NotificationType] = ids(value, `types.${type}`)
  }

  if (errors.length > 0) return { ok: false, errors }
  return { ok: true, preferences: { timeZone, quietHours, digestMinutes, escalation, types } }
}
