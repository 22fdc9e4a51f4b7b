/** Fixtures of the notification rules' unit specs: a user's channels and preferences. */
import type { NotificationPreferences, UserChannel } from '#notifications/preferences'

export const at = (iso: string) => new Date(iso)
export const iso = (date: Date | null | undefined) => date?.toISOString()

export const channels: UserChannel[] = [
  { id: 1, kind: 'inapp', active: true },
  { id: 2, kind: 'email', active: true },
  { id: 3, kind: 'webpush', active: true },
  { id: 5, kind: 'sms', active: true },
  { id: 9, kind: 'webhook', active: true },
  { id: 11, kind: 'slack', active: false },
]

export function prefs(overrides: Partial<NotificationPreferences> = {}): NotificationPreferences {
  return {
    timeZone: 'Europe/London',
    quietHours: null,
    digestMinutes: null,
    escalation: null,
    types: {},
    ...overrides,
  }
}

export const night = { start: '22:00', end: '07:00' }
