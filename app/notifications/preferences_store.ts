/**
 * Stored notification preferences, one row per user (JSON of
 * preferences.NotificationPreferences; the time zone is the user's own).
 */
import db from '@adonisjs/lucid/services/db'
import {
  DEFAULT_PREFERENCES,
  validatePreferences,
  type NotificationPreferences,
} from '#notifications/preferences'
import type { FieldError } from '#notifications/channels/contract'
import { dbTime } from '#purchasing/sql'

export async function getPreferences(userId: number): Promise<NotificationPreferences> {
  const [user, row] = await Promise.all([
    db.from('users').where('id', userId).select('timezone').first(),
    db.from('notification_preferences').where('user_id', userId).first(),
  ])
  const stored = row
    ? typeof row.preferences === 'string'
      ? JSON.parse(row.preferences)
      : row.preferences
    : {}
  return { ...DEFAULT_PREFERENCES, ...stored, timeZone: user?.timezone ?? 'UTC' }
}

export class PreferencesInvalid extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((error) => `${error.field}: ${error.message}`).join('; '))
  }
}

/**
 * Validates against the user's own channels and stores. `timeZone`, when
 * given, updates the user's time zone too (quiet hours and digests use it).
 */
export async function savePreferences(
  userId: number,
  input: Record<string, unknown>
): Promise<NotificationPreferences> {
  const channelIds = (
    await db.from('notification_channels').where('user_id', userId).select('id')
  ).map((row) => Number(row.id))
  const user = await db.from('users').where('id', userId).select('timezone').firstOrFail()
  const result = validatePreferences(
    { ...input, timeZone: input.timeZone ?? user.timezone },
    channelIds
  )
  if (!result.ok) throw new PreferencesInvalid(result.errors)
  const { timeZone, ...stored } = result.preferences
  await db.transaction(async (trx) => {
    const now = dbTime(trx, new Date())
    if (timeZone !== user.timezone)
      await trx.from('users').where('id', userId).update({ timezone: timeZone })
    const exists = await trx.from('notification_preferences').where('user_id', userId).first()
    if (exists) {
      await trx
        .from('notification_preferences')
        .where('user_id', userId)
        .update({ preferences: JSON.stringify(stored), updated_at: now })
    } else {
      await trx
        .table('notification_preferences')
        .insert({ user_id: userId, preferences: JSON.stringify(stored), updated_at: now })
    }
  })
  return result.preferences
}
