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
import './routes/admin.js'
import './routes/analytics.js'
import './routes/notifications.js'
