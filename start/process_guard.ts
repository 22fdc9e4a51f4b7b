/*
|--------------------------------------------------------------------------
| Process guard
|--------------------------------------------------------------------------
|
| An unhandled rejection or uncaught exception never ends the web server or
| a worker: it is logged with its request or job id (and the request gets a
| 500). See app/exceptions/process_guard.ts.
|
*/
import { installProcessGuard } from '#exceptions/process_guard'

installProcessGuard()
