import vine from '@vinejs/vine'
import { EVENT_STATUSES } from '#models/event'

export const listEventsValidator = vine.create({
  q: vine.string().trim().maxLength(100).optional(),
  status: vine.enum(EVENT_STATUSES).optional(),
  league: vine.string().trim().maxLength(60).optional(),
  /** Opaque cursor from the previous page */
  cursor: vine.string().trim().regex(/^\d{1,13}_\d{1,10}$/).optional(),
})

export const addEventValidator = vine.create({
  reference: vine.string().trim().minLength(3).maxLength(1000),
})
