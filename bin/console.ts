/*
|--------------------------------------------------------------------------
| Ace entry point
|--------------------------------------------------------------------------
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

/** Settles when the command has returned (for `queue:work`: its worker has stopped). */
let commandEnded: () => void = () => {}
const ended = new Promise<void>((resolve) => (commandEnded = resolve))

new Ignitor(APP_ROOT, { importer: IMPORTER })
  .tap((app) => {
    app.booting(async () => {
      await import('#start/env')
    })
    /**
     * Graceful stop. `queue:work` hears the same signal: its worker stops
     * taking jobs and finishes the ones in hand, and only once the command
     * has returned are the database, Redis and the queue closed. Then the
     * process exits even if a pooled socket or timer would keep it alive,
     * and at the latest 30 s after the signal.
     */
    const stop = async () => {
      setTimeout(() => process.exit(process.exitCode ?? 1), 30_000).unref()
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 25_000).unref())])
      await app.terminate()
      process.exit(process.exitCode ?? 0)
    }
    app.listen('SIGTERM', stop)
    app.listenIf(app.managedByPm2, 'SIGINT', stop)
  })
  .ace()
  .handle(process.argv.splice(2))
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
  .finally(() => commandEnded())
