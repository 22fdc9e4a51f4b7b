/*
|--------------------------------------------------------------------------
| Embedded mode
|--------------------------------------------------------------------------
|
| With EMBEDDED=true (the default of `npm start`) the web process also runs
| a queue worker. In the scaled mode, set EMBEDDED=false and run
| `node ace queue:work` on as many hosts as needed.
|
*/
import app from '@adonisjs/core/services/app'
import { hdtickets } from '#config/app'
import { startEmbeddedWorker } from '#services/embedded_worker'

if (hdtickets.embedded && !app.inTest) {
  app.ready(async () => {
    await startEmbeddedWorker()
  })
}
