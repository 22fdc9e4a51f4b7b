import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import adonisjs from '@adonisjs/vite/client'

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
  resolve: {
    alias: { '~/': `${import.meta.dirname}/inertia/` },
  },
  server: {
    watch: { ignored: ['**/storage/**', '**/tmp/**'] },
    /**
     * Tests serve the pages through Vite's dev middleware. Its hot-reload
     * websocket is of no use to a test and took a port that parallel runs on
     * the machine fought over (a browser then met another run's socket and
     * logged errors): under test there is none.
     */
    ...(process.env.NODE_ENV === 'test' ? { hmr: false } : {}),
  },
})
