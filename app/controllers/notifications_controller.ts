import type { HttpContext } from '@adonisjs/core/http'
import vine from '@vinejs/vine'
import {
  listNotifications,
  markAllRead,
  markRead,
  snoozeNotification,
  unreadCount,
} from '#notifications/inbox'
import {
  addChannel,
  availableKinds,
  ChannelInvalid,
  enableChannel,
  listChannels,
  recentAttempts,
  removeChannel,
  testChannel,
} from '#notifications/channel_service'
import {
  getPreferences,
  PreferencesInvalid,
  savePreferences,
} from '#notifications/preferences_store'
import type { FieldError } from '#notifications/channels/contract'
import { flashErrors } from '#exceptions/handler'
import { NOTIFICATION_TYPES } from '#notifications/message'
import { publicVapidKey } from '#notifications/runtime'
import { TIMEZONES } from '#validators/auth_validator'

const feedValidator = vine.create({ before: vine.number().withoutDecimals().min(1).optional() })

/** The notification centre and Settings → Notifications (channels, preferences, delivery log). */
export default class NotificationsController {
  async index({ inertia, request, auth }: HttpContext) {
    const { before } = await feedValidator.validate(request.qs())
    const userId = auth.getUserOrFail().id
    const page = await listNotifications(userId, { before })
    return inertia.render('notifications/index', { ...page, unread: await unreadCount(userId) })
  }

  async unread({ auth }: HttpContext) {
    return { unread: await unreadCount(auth.getUserOrFail().id) }
  }

  async markRead({ auth, params, response }: HttpContext) {
    await markRead(auth.getUserOrFail().id, Number(params.id))
    return response.redirect().back()
  }

  async markAllRead({ auth, response, session }: HttpContext) {
    const marked = await markAllRead(auth.getUserOrFail().id)
    session.flash('success', `${marked} marked as read.`)
    return response.redirect().back()
  }

  async snooze({ auth, params, response, session }: HttpContext) {
    await snoozeNotification(auth.getUserOrFail().id, Number(params.id), 60)
    session.flash('success', 'Snoozed for 1 hour.')
    return response.redirect().back()
  }

  async settings({ inertia, auth, session }: HttpContext) {
    const user = auth.getUserOrFail()
    return inertia.render('settings/notifications', {
      channels: await listChannels(user.id),
      kinds: await availableKinds(),
      types: [...NOTIFICATION_TYPES],
      preferences: await getPreferences(user.id),
      attempts: await recentAttempts(user.id),
      timezones: TIMEZONES,
      vapidPublicKey: await publicVapidKey(),
      signingSecret: (session.flashMessages.get('signingSecret') as string | undefined) ?? null,
    })
  }

  async addChannel(ctx: HttpContext) {
    const { auth, request, response, session } = ctx
    try {
      const created = await addChannel(
        auth.getUserOrFail().id,
        request.only(['kind', 'name', 'config'])
      )
      if (wantsJson(ctx)) return response.created({ data: created.channel })
      if (created.signingSecret) session.flash('signingSecret', created.signingSecret)
      session.flash('success', `Channel "${created.channel.name}" added.`)
      return response.redirect('/settings/notifications')
    } catch (error) {
      if (error instanceof ChannelInvalid) return invalid(ctx, error.errors)
      throw error
    }
  }

  async removeChannel({ auth, params, response, session }: HttpContext) {
    await removeChannel(auth.getUserOrFail().id, Number(params.id))
    session.flash('success', 'Channel removed.')
    return response.redirect('/settings/notifications')
  }

  async enableChannel({ auth, params, response, session }: HttpContext) {
    await enableChannel(auth.getUserOrFail().id, Number(params.id))
    session.flash('success', 'Channel enabled.')
    return response.redirect('/settings/notifications')
  }

  async testChannel({ auth, params }: HttpContext) {
    return { data: await testChannel(auth.getUserOrFail().id, Number(params.id)) }
  }

  async updatePreferences(ctx: HttpContext) {
    const { auth, request, response, session } = ctx
    try {
      await savePreferences(
        auth.getUserOrFail().id,
        request.only(['timeZone', 'quietHours', 'digestMinutes', 'escalation', 'types'])
      )
      session.flash('success', 'Notification preferences saved.')
      return response.redirect('/settings/notifications')
    } catch (error) {
      if (error instanceof PreferencesInvalid) return invalid(ctx, error.errors)
      throw error
    }
  }
}

function wantsJson({ request }: HttpContext) {
  return (
    !request.header('x-inertia') && (request.header('accept') ?? '').includes('application/json')
  )
}

/** 422 naming the fields: JSON for fetch clients, the form's errors for Inertia. */
function invalid(ctx: HttpContext, errors: FieldError[]) {
  if (wantsJson(ctx)) return ctx.response.unprocessableEntity({ errors })
  /** The form keeps what was typed: only the errors go back (a long input must not overflow the session cookie). */
  flashErrors(ctx, errors)
  return ctx.response.redirect().back()
}
