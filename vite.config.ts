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
     * Tests serve the pages through Vite's dev middleware: no hot reload
     * there (its websocket would take a fixed port other runs may hold).
     */
    hmr: process.env.NODE_ENV === 'test' ? false : undefined,
  },
})
