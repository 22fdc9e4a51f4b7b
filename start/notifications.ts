/*
|--------------------------------------------------------------------------
| Notifications
|--------------------------------------------------------------------------
|
| Purchase outcomes become notifications in every process that can place
| orders (web with the embedded worker, `node ace queue:work`, tests).
| On shutdown the notifications a finished purchase started are queued (or
| written) before the queue, Redis and the database close: terminating hooks
| run before the providers shut down.
|
*/
import app from '@adonisjs/core/services/app'
import {
  registerPurchaseNotifications,
  settlePurchaseNotifications,
} from '#notifications/purchase_notifications'

registerPurchaseNotifications()
app.terminating(() => settlePurchaseNotifications())
