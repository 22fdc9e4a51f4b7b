/*
|--------------------------------------------------------------------------
| HTTP server entrypoint
|--------------------------------------------------------------------------
|
| Starts the HTTP server. In production this runs compiled, from the build
| (`node build/bin/server.js`; `npm start` builds and runs it). In the
| embedded mode (EMBEDDED=true, the default of `npm start`) the same process
| also runs the monitoring runtime, the queue worker and the sandbox
| exchange: see start/embedded.ts.
|
*/
import 'reflect-metadata'
import { Ignitor, prettyPrintError } from '@adonisjs/core'
import { locateEnvFile } from './env_path.js'

const APP_ROOT = new URL('../', import.meta.url)

const IMPORTER = (filePath: string) => {
  if (filePath.startsWith('./') || filePath.startsWith('../')) {
    return import(new URL(filePath, APP_ROOT).href)
  }
  return import(filePath)
}

locateEnvFile(APP_ROOT)

new Ignitor(APP_ROOT, { importer: IMPORTER })
  .tap((app) => {
    app.booting(async () => {
      await import('#start/env')
    })
    /**
     * Graceful stop: the terminating hooks close the HTTP server, let the
     * embedded worker finish the job in hand and stop the sandbox; then the
     * process ends even if a timer or pooled socket somewhere would keep the
     * event loop alive (the embedded mode did), and at the latest after 30 s.
     */
    const stop = async () => {
      setTimeout(() => process.exit(process.exitCode ?? 1), 30_000).unref()
      /**
       * An open SSE stream never ends by itself, so closing the HTTP server
       * would wait for the 30 s limit: 10 s after the signal, connections
       * still open (those streams; a browser reconnects to another process)
       * are closed.
       */
      setTimeout(async () => {
        const { default: server } = await import('@adonisjs/core/services/server')
        server.getNodeServer()?.closeAllConnections()
      }, 10_000).unref()
      await app.terminate()
      process.exit(process.exitCode ?? 0)
    }
    app.listen('SIGTERM', stop)
    app.listen('SIGINT', stop)
  })
  .httpServer()
  .start()
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
