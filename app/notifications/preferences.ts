/**
 * A user's notification preferences: which channels get which type, quiet
 * hours, digests and the escalation chain — their shape, the defaults, and
 * the validation of what the settings page and the API store. Pure: no
 * database, no clock, no network.
 */
import { IANAZone } from 'luxon'
import type { ChannelKind } from '#models/notification_channel'
import type { NotificationType } from '#models/notification'
import type { FieldError } from '#notifications/channels/contract'
import { NOTIFICATION_TYPES } from '#notifications/message'
import { parseClock, type QuietHours } from '#notifications/quiet_hours'

export type { QuietHours }

export interface ChannelRef {
  id: number
  kind: ChannelKind
}

export interface UserChannel extends ChannelRef {
  /** Not disabled (and verified where the kind needs it) */
  active: boolean
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
