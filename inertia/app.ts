import './css/app.css'
import './css/stack_tables.css'
import { createSSRApp, h } from 'vue'
import { createInertiaApp } from '@inertiajs/vue3'
import { resolvePage } from '~/pages'
import { useRenderClock } from '~/composables/format'

createInertiaApp({
  title: (title) => (title ? `${title} · HDTickets` : 'HDTickets'),
  resolve: resolvePage,
  setup({ el, App, props, plugin }) {
    /** Relative times hydrate with the server's clock of this render, then tick on the browser's. */
    useRenderClock((props.initialPage.props as { now?: string }).now)
    createSSRApp({ render: () => h(App, props) })
      .use(plugin)
      .mount(el)
    useRenderClock(null)
    /** Interactive from here on (the server-rendered HTML was not): browser tests wait for this mark. */
    document.documentElement.dataset.hydrated = 'true'
  },
  progress: { color: '#2563eb' },
})
