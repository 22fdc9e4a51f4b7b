/*
|--------------------------------------------------------------------------
| Server-Sent Events
|--------------------------------------------------------------------------
|
| One private channel per user: `users/<id>`. Only that user may subscribe.
|
*/
import transmit from '@adonisjs/transmit/services/main'
import type { HttpContext } from '@adonisjs/core/http'

transmit.authorize<{ id: string }>('users/:id', async (ctx: HttpContext, { id }) => {
  const authenticated = await ctx.auth.use('web').check()
  return authenticated && String(ctx.auth.use('web').user!.id) === id
})
