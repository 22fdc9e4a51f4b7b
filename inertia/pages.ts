import type { DefineComponent } from 'vue'
import AppLayout from '~/layouts/app.vue'
import AuthLayout from '~/layouts/auth.vue'

const pages = import.meta.glob<DefineComponent>('./pages/**/*.vue')

/**
 * Resolves a page by name (`settings/show` → pages/settings/show.vue) and
 * gives it its layout: the auth layout for sign-up/log-in, the app layout
 * (navigation, flash, unread count) for everything else.
 */
export async function resolvePage(name: string) {
  const loader = pages[`./pages/${name}.vue`]
  if (!loader) throw new Error(`Unknown page: ${name}`)
  const module: any = await loader()
  const page = module.default ?? module
  if (page.layout === undefined) {
    page.layout = name.startsWith('auth/') || name.startsWith('errors/') ? AuthLayout : AppLayout
  }
  return page
}
