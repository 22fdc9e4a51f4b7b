/*
|--------------------------------------------------------------------------
| Server-Sent Events
|--------------------------------------------------------------------------
|
| `users/<id>`: one private channel per user; only that user may subscribe.
| `events/<id>`: an event's market changes; any signed-in user may listen.
| `dashboard/purchases`: between server processes only (app/monitoring/dashboard_cache.ts).
|
*/
import transmit from '@adonisjs/transmit/services/main'
import type { HttpContext } from '@adonisjs/core/http'

transmit.authorize<{ id: string }>('users/:id', async (ctx: HttpContext, { id }) => {
  const authenticated = await ctx.auth.use('web').check()
  return authenticated && String(ctx.auth.use('web').user!.id) === id
})

transmit.authorize<{ id: string }>('events/:id', async (ctx: HttpContext) => {
  return ctx.auth.use('web').check()
})

transmit.authorize('dashboard/purchases', async () => false)
