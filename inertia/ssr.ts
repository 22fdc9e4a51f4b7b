import { createSSRApp, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { createInertiaApp } from '@inertiajs/vue3'
import { resolvePage } from '~/pages'
import { useRenderClock } from '~/composables/format'

export default function render(page: any) {
  useRenderClock(page.props?.now)
  return createInertiaApp({
    page,
    render: renderToString,
    title: (title) => (title ? `${title} · HDTickets` : 'HDTickets'),
    resolve: resolvePage,
    setup({ App, props, plugin }) {
      return createSSRApp({ render: () => h(App, props) }).use(plugin)
    },
  })
}
