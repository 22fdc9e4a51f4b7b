/*
|--------------------------------------------------------------------------
| Notifications
|--------------------------------------------------------------------------
|
| Purchase outcomes become notifications in every process that can place
| orders (web with the embedded worker, `node ace queue:work`, tests).
|
*/
import { registerPurchaseNotifications } from '#notifications/purchase_notifications'

registerPurchaseNotifications()
