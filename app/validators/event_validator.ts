import vine from '@vinejs/vine'
import { EVENT_STATUSES } from '#models/event'
import { day } from '#validators/day'

export const listEventsValidator = vine.create({
  q: vine.string().trim().maxLength(100).optional(),
  sport: vine.string().trim().maxLength(60).optional(),
  league: vine.string().trim().maxLength(60).optional(),
  team: vine.string().trim().maxLength(120).optional(),
  venue: vine.string().trim().maxLength(200).optional(),
  from: day().optional(),
  to: day().optional(),
  platform: vine
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_-]{0,39}$/)
    .optional(),
  status: vine.enum(EVENT_STATUSES).optional(),
  /** Opaque cursor from the previous page (checked when decoded: E_INVALID_CURSOR) */
  cursor: vine.string().trim().maxLength(200).optional(),
})

export const addEventValidator = vine.create({
  reference: vine.string().trim().minLength(3).maxLength(1000),
})

export const discoverEventsValidator = vine.create({
  platform: vine
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_-]{0,39}$/),
  keyword: vine.string().trim().maxLength(100).optional(),
})
