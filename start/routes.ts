/*
|--------------------------------------------------------------------------
| Routes
|--------------------------------------------------------------------------
|
| One file per area under start/routes/.
|
*/
import './routes/web.js'
import './routes/api.js'
import './routes/notifications.js'
