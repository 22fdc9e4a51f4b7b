import type { HttpContext } from '@adonisjs/core/http'
import DashboardQueries from '#monitoring/dashboard_queries'

/**
 * Sections that later capabilities fill. Until then each page says honestly
 * what it will show and what to do first — never fake data.
 */
export default class PagesController {
  async dashboard({ inertia, auth }: HttpContext) {
    const user = auth.getUserOrFail()
    return inertia.render(
      'dashboard/index',
      await new DashboardQueries().forUser(user.id, user.hasRoleAtLeast('manager'))
    )
  }

  async section({ inertia, route }: HttpContext) {
    const section = String(route?.name ?? '').replace(/\.index$/, '')
    return inertia.render('sections/empty', { section })
  }
}
