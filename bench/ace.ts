/*
|--------------------------------------------------------------------------
| The benchmarks' console
|--------------------------------------------------------------------------
|
| The application's Ace commands plus the benchmarks' own (bench/commands/:
| bench:pipeline, bench:api, bench:notifications, bench:seed-history,
| bench:analytics, bench:market-change). `node ace list` does not show
| those: they empty the database they run on and exist only for
| `npm run bench`, which runs them from the build as production runs code:
|
|   node build/bench/ace.js bench:pipeline --sandbox-url=… …
|
| In development: node --import=@poppinss/ts-exec bench/ace.ts bench:… …
|
*/
import 'reflect-metadata'
import { Ignitor, prettyPrintError } from '@adonisjs/core'
import { FsLoader, type Kernel } from '@adonisjs/core/ace'
import { locateEnvFile } from '../bin/env_path.js'

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
  })
  .ace()
  .configure(async (app) => {
    const ace: Kernel = await app.container.make('ace')
    ace.addLoader(new FsLoader(app.makePath('bench/commands')))
    ace.info.set('binary', 'node build/bench/ace.js')
  })
  .handle(process.argv.splice(2))
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
