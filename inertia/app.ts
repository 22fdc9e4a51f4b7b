import './css/app.css'
import { createSSRApp, h } from 'vue'
import { createInertiaApp } from '@inertiajs/vue3'
import { resolvePage } from '~/pages'

createInertiaApp({
  title: (title) => (title ? `${title} · HDTickets` : 'HDTickets'),
  resolve: resolvePage,
  setup({ el, App, props, plugin }) {
    createSSRApp({ render: () => h(App, props) })
      .use(plugin)
      .mount(el)
  },
  progress: { color: '#2563eb' },
})
