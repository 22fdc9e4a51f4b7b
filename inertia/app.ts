import './css/app.css'
import './css/stack_tables.css'
import { createSSRApp, h } from 'vue'
import { createInertiaApp, router } from '@inertiajs/vue3'
import { resolvePage } from '~/pages'
import { useRenderClock } from '~/composables/format'

/**
 * Plain links marked `data-visit` navigate as Inertia's <Link> does (a
 * visit, no full reload) on a plain left click; with a modifier key or
 * another button the browser does what it does with any link. For long
 * lists, where a <Link> component per row cost a component instance each
 * in every server render.
 */
document.addEventListener('click', (event) => {
  const link = (event.target as Element | null)?.closest?.('a[data-visit]')
  if (
    !link ||
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey ||
    link.getAttribute('target')
  )
    return
  event.preventDefault()
  router.visit(link.getAttribute('href')!)
})

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
