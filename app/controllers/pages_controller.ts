import type { HttpContext } from '@adonisjs/core/http'

/**
 * Sections that later capabilities fill. Until then each page says honestly
 * what it will show and what to do first — never fake data.
 */
export default class PagesController {
  async dashboard({ inertia }: HttpContext) {
    return inertia.render('dashboard/index', {})
  }

  async section({ inertia, route }: HttpContext) {
    const section = String(route?.name ?? '').replace(/\.index$/, '')
    return inertia.render('sections/empty', { section })
  }
}
