import type { HttpContext } from '@adonisjs/core/http'
import vine from '@vinejs/vine'
import db from '@adonisjs/lucid/services/db'
import {
  markAllRead,
  markRead,
  snoozeNotification,
  unreadCount,
  withDeliveries,
} from '#notifications/inbox'
import { paginate, parseListQuery, type ListSpec } from '#api/pagination'
import NotificationTransformer from '#transformers/notification_transformer'
import { NOTIFICATION_TYPES } from '#models/notification'
import {
  addChannel,
  ChannelInvalid,
  listChannels,
  removeChannel,
  testChannel,
} from '#notifications/channel_service'
import {
  getPreferences,
  PreferencesInvalid,
  savePreferences,
} from '#notifications/preferences_store'

const spec: ListSpec = {
  sorts: { id: { column: 'id' } },
  defaultSort: '-id',
  enums: { unread: ['true', 'false'], type: NOTIFICATION_TYPES },
  filters: {
    unread: (query, value) =>
      value === 'true' ? query.whereNull('read_at') : query.whereNotNull('read_at'),
    type: (query, value) => query.where('type', value),
  },
}
const snoozeValidator = vine.create({
  minutes: vine
    .number()
    .withoutDecimals()
    .min(5)
    .max(7 * 24 * 60)
    .optional(),
})

/** /api/v1/notifications: the inbox, channels (secrets write-only) and preferences of the token's user. */
export default class NotificationsController {
  async index({ auth, request }: HttpContext) {
    const list = parseListQuery(request.qs(), spec)
    const userId = auth.use('api').getUserOrFail().id
    const page = await paginate(
      db.from('notifications').where('user_id', userId),
      list,
      spec,
      (row) => NotificationTransformer.row(row)
    )
    return {
      data: await withDeliveries(page.data),
      meta: { ...page.meta, unread: await unreadCount(userId) },
    }
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
    const until = await snoozeNotification(
      auth.use('api').getUserOrFail().id,
      Number(params.id),
      minutes ?? 60
    )
    return { data: { snoozedUntil: until.toISOString() } }
  }

  async channels({ auth }: HttpContext) {
    return { data: await listChannels(auth.use('api').getUserOrFail().id) }
  }

  async addChannel({ auth, request, response }: HttpContext) {
    try {
      const created = await addChannel(
        auth.use('api').getUserOrFail().id,
        request.only(['kind', 'name', 'config'])
      )
      return response.created({
        data: created.channel,
        ...(created.signingSecret ? { meta: { signingSecret: created.signingSecret } } : {}),
      })
    } catch (error) {
      if (error instanceof ChannelInvalid)
        return response.unprocessableEntity({ errors: error.errors })
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
      return {
        data: await savePreferences(
          auth.use('api').getUserOrFail().id,
          request.only(['timeZone', 'quietHours', 'digestMinutes', 'escalation', 'types'])
        ),
      }
    } catch (error) {
      if (error instanceof PreferencesInvalid)
        return response.unprocessableEntity({ errors: error.errors })
      throw error
    }
  }
}
