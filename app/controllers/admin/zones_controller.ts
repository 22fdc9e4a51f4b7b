import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import vine from '@vinejs/vine'
import ZoneService from '#analytics/zone_service'
import { ZONES, ZONE_LABELS } from '#analytics/zones'

const venueQuery = vine.create({ venue: vine.string().trim().maxLength(200).optional() })
const setZoneValidator = vine.create({
  venue: vine.string().trim().minLength(1).maxLength(200),
  section: vine.string().trim().minLength(1).maxLength(120),
  /** `auto`: from the section name and its prices again */
  zone: vine.enum([...ZONES, 'auto'] as const),
})

/** Admins set a venue's seat zones: the comparables of every deal score there (#18 item 2). */
@inject()
export default class AdminZonesController {
  constructor(private zones: ZoneService) {}

  async index({ request, inertia }: HttpContext) {
    const { venue } = await venueQuery.validate(request.qs())
    const venues = await this.zones.venues()
    const selected = venue ?? venues[0]?.name ?? null
    return inertia.render('admin/zones', {
      venues,
      venue: selected,
      sections: selected ? await this.zones.sections(selected) : [],
      zones: ZONES.map((id) => ({ id, label: ZONE_LABELS[id] })),
    })
  }

  async update({ request, auth, response, session }: HttpContext) {
    const payload = await request.validateUsing(setZoneValidator)
    await this.zones.setZone(
      auth.getUserOrFail(),
      payload.venue,
      payload.section,
      payload.zone === 'auto' ? null : payload.zone,
      request.ip()
    )
    session.flash(
      'success',
      `Section ${payload.section}: ${payload.zone === 'auto' ? 'zone from its name and prices again' : ZONE_LABELS[payload.zone]}.`
    )
    return response.redirect(`/admin/zones?venue=${encodeURIComponent(payload.venue)}`)
  }
}
