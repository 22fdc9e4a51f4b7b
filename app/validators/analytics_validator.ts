import vine from '@vinejs/vine'

/** The analytics page's query string: one league or team, and the event to compare across platforms. */
export const analyticsFiltersValidator = vine.create({
  league: vine.string().trim().maxLength(60).optional(),
  team: vine.string().trim().maxLength(120).optional(),
  eventId: vine.number().withoutDecimals().positive().optional(),
})
