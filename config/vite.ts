import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/vite'

/**
 * Absolute paths: @adonisjs/vite reads them relative to the working
 * directory, and the built server runs from the clone (`node
 * build/bin/server.js`), where public/ is the sources', not the build's.
 */
const viteBackendConfig = defineConfig({
  buildDirectory: app.makePath('public/assets'),
  manifestFile: app.makePath('public/assets/.vite/manifest.json'),
  assetsUrl: '/assets',
})

export default viteBackendConfig
