import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/inertia'

/**
 * The front end's version (a page whose version differs makes the browser
 * load the page again): the built manifest's hash, taken once. Without it
 * @adonisjs/inertia hashes the whole manifest again on every request (its
 * cache lives on the per-request instance). In development and the tests
 * (no build) it is left to @adonisjs/inertia.
 */
function builtAssetsVersion() {
  if (!app.inProduction) return undefined
  try {
    return createHash('md5')
      .update(readFileSync(app.makePath('public/assets/.vite/manifest.json')))
      .digest('hex')
  } catch {
    return undefined
  }
}

const inertiaConfig = defineConfig({
  rootView: 'inertia_layout',
  assetsVersion: builtAssetsVersion(),
  ssr: {
    enabled: true,
    entrypoint: 'inertia/ssr.ts',
  },
})

export default inertiaConfig
