import type { HttpContext } from '@adonisjs/core/http'
import vine from '@vinejs/vine'
import { listNotifications, markAllRead, markRead, snoozeNotification, unreadCount } from '#notifications/inbox'
import { addChannel, ChannelInvalid, listChannels, removeChannel, testChannel } from '#notifications/channel_service'
import { getPreferences, PreferencesInvalid, savePreferences } from '#notifications/preferences_store'

const listValidator = vine.create({
  cursor: vine.number().withoutDecimals().min(1).optional(),
  limit: vine.number().withoutDecimals().min(1).max(200).optional(),
  unread: vine.boolean().optional(),
})
const snoozeValidator = vine.create({ minutes: vine.number().withoutDecimals().min(5).max(7 * 24 * 60).optional() })

/** /api/v1/notifications: the inbox, channels (secrets write-only) and preferences of the token's user. */
export default class NotificationsController {
  async index({ auth, request }: HttpContext) {
    const query = await listValidator.validate(request.qs())
    const userId = auth.use('api').getUserOrFail().id
    const page = await listNotifications(userId, { before: query.cursor, limit: query.limit, unread: query.unread })
    return { data: page.notifications, meta: { nextCursor: page.nextCursor, unread: await unreadCount(userId) } }
  }

  async markRead({ auth, params, response }: HttpContext) {
    await markRead(auth.use('api').getUserOrFail().id, Number(params.id))
    return response.noContent()
  }

  async markAllRead({ auth }: HttpContext) {
    return { data: { marked: await markAllRead(auth.use('api').getUserOrFail().id) } }
  }

  async snooze({ auth, params, request }: HttpContext) {
    const { minutes } = await snoozeValidator.validate(request.all())
    const until = await snoozeNotification(auth.use('api').getUserOrFail().id, Number(params.id), minutes ?? 60)
    return { data: { snoozedUntil: until.toISOString() } }
  }

  async channels({ auth }: HttpContext) {
    return { data: await listChannels(auth.use('api').getUserOrFail().id) }
  }

  async addChannel({ auth, request, response }: HttpContext) {
    try {
      const created = await addChannel(auth.use('api').getUserOrFail().id, request.only(['kind', 'name', 'config']))
      return response.created({ data: created.channel, ...(created.signingSecret ? { meta: { signingSecret: created.signingSecret } } : {}) })
    } catch (error) {
      if (error instanceof ChannelInvalid) return response.unprocessableEntity({ errors: error.errors })
      throw error
    }
  }

  async removeChannel({ auth, params, response }: HttpContext) {
    await removeChannel(auth.use('api').getUserOrFail().id, Number(params.id))
    return response.noContent()
  }

  async testChannel({ auth, params }: HttpContext) {
    return { data: await testChannel(auth.use('api').getUserOrFail().id, Number(params.id)) }
  }

  async preferences({ auth }: HttpContext) {
    return { data: await getPreferences(auth.use('api').getUserOrFail().id) }
  }

  async updatePreferences({ auth, request, response }: HttpContext) {
    try {
      return { data: await savePreferences(auth.use('api').getUserOrFail().id, request.only(['timeZone', 'quietHours', 'digestMinutes', 'escalation', 'types'])) }
    } catch (error) {
      if (error instanceof PreferencesInvalid) return response.unprocessableEntity({ errors: error.errors })
      throw error
    }
  }
}
