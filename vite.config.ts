import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import adonisjs from '@adonisjs/vite/client'

function hmrPort(port: number) {
  return port + 21_000 <= 65_535 ? port + 21_000 : port - 21_000
}

export default defineConfig({
  plugins: [
    vue(),
    adonisjs({
      entryPoints: ['inertia/app.ts'],
      serverEntryPoints: ['inertia/ssr.ts'],
      reload: ['resources/views/**/*.edge'],
    }),
  ],
  /** The server's .env is not the front end's: keep Vite from reading it. */
  envDir: 'inertia',
  /** ECharts (~600 kB, loaded only by the pages that draw charts) is one chunk on purpose. */
  build: { chunkSizeWarningLimit: 700 },
  resolve: {
    alias: { '~/': `${import.meta.dirname}/inertia/` },
  },
  server: {
    watch: { ignored: ['**/storage/**', '**/tmp/**'] },
    /**
     * Tests serve the pages through Vite's dev middleware, whose hot-reload
     * websocket would take Vite's one fixed port (24678) that parallel runs
     * on the machine fight over: under test it listens beside the app's own
     * port instead (PORT + 21000, or PORT - 21000 for ports above 44535), so
     * each run's browser connects to its own.
     */
    ...(process.env.NODE_ENV === 'test'
      ? { hmr: { port: hmrPort(Number(process.env.PORT ?? 3333)) } }
      : {}),
  },
})
