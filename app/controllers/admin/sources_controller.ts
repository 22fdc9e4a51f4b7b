import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import vine from '@vinejs/vine'
import SourceService from '#monitoring/source_service'
import { sourceHealth } from '#monitoring/source_health'
import { sourceSchedules } from '#monitoring/source_schedules'
import { platformCircuits } from '#connectors/runtime'

const pauseValidator = vine.create({ reason: vine.string().trim().maxLength(300).optional() })

@inject()
export default class AdminSourcesController {
  constructor(private sources: SourceService) {}

  async index({ inertia }: HttpContext) {
    const schedules = await sourceSchedules()
    const health = await sourceHealth()
    const circuits = await platformCircuits(health.platforms.map((platform) => platform.slug))
    return inertia.render('admin/sources', {
      ...health,
      platforms: health.platforms.map((platform) => ({
        ...platform,
        circuit: circuits[platform.slug],
      })),
      schedules: schedules.sources,
      scheduledTotal: schedules.total,
    })
  }

  async pause({ params, request, auth, response, session }: HttpContext) {
    const { reason } = await request.validateUsing(pauseValidator)
    await this.sources.pause(auth.getUserOrFail(), Number(params.id), reason ?? null)
    session.flash('success', 'Source paused.')
    return response.redirect().back()
  }

  async resume({ params, auth, response, session }: HttpContext) {
    await this.sources.resume(auth.getUserOrFail(), Number(params.id))
    session.flash('success', 'Source resumed; it is checked now.')
    return response.redirect().back()
  }

  async checkNow({ params, auth, response, session }: HttpContext) {
    await this.sources.checkNow(auth.getUserOrFail(), Number(params.id))
    session.flash('success', 'Check queued.')
    return response.redirect().back()
  }
}
