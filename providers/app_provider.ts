import type { ApplicationService } from '@adonisjs/core/types'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import ShieldMiddleware from '@adonisjs/shield/shield_middleware'

/** A request of the token API: it carries its bearer token and no session cookie matters to it. */
function isBearerApiRequest(ctx: HttpContext) {
  return (
    ctx.request.url().startsWith('/api/v1/') &&
    (ctx.request.header('authorization') ?? '').startsWith('Bearer ')
  )
}

/**
 * Boot-time checks and bindings of HDTickets itself.
 */
export default class AppProvider {
  constructor(protected app: ApplicationService) {}

  register() {
    /**
     * @adonisjs/shield binds its middleware per request: each request builds
     * five guards and awaits `import('edge.js')`, which under the TypeScript
     * loader is a round trip to the loader thread. The middleware holds only
     * its config, so one instance serves every request.
     *
     * Bearer-token API calls skip it: they are not cookie-authenticated, so
     * CSRF does not apply (config/shield.ts already exempts /api/ from the
     * check), yet the guard would still mint a CSRF secret, an encrypted
     * XSRF cookie and a session cookie on every call — about a third of the
     * CPU of `GET /api/v1/tickets` (`npm run bench`, api_tickets). They keep
     * `X-Content-Type-Options: nosniff`; CSP and frame options do not apply
     * to JSON.
     */
    this.app.container.singleton(ShieldMiddleware, async () => {
      const config = this.app.config.get<any>('shield', {})
      const encryption = (await this.app.container.make('encryption')).use()
      const shield = this.app.usingEdgeJS
        ? new ShieldMiddleware(config, encryption, (await import('edge.js')).default)
        : new ShieldMiddleware(config, encryption)
      return {
        handle(ctx: HttpContext, next: NextFn) {
          if (!isBearerApiRequest(ctx)) return shield.handle(ctx, next)
          ctx.response.header('x-content-type-options', 'nosniff')
          return next()
        },
      } as unknown as ShieldMiddleware
    })
  }

  /**
   * With Redis in use, the main connection (queue, limiter, locks) is the
   * one /health/ready checks, and an outage is logged once when it starts
   * and once when it ends instead of at every reconnection attempt.
   */
  async boot() {
    if (this.app.inProduction && this.app.usingEdgeJS) await this.#listEdgeComponentsOnce()
    const { redisInUse } = await import('#config/redis')
    if (!redisInUse) return
    const { logRedisOutagesTo, trackRedis } = await import('#services/redis_connections')
    logRedisOutagesTo(await this.app.container.make('logger'))
    const redis = await this.app.container.make('redis')
    redis.doNotLogErrors()
    trackRedis('main', redis.connection('main').ioConnection)
  }

  /**
   * Edge's "supercharged" components plugin is registered before the edge
   * provider turns the template cache on, so it stays a recurring plugin
   * and lists the components folders from disk (existsSync, readdir) on
   * every page render. In production the templates do not change while the
   * process runs: the list is read once, at the first render.
   */
  async #listEdgeComponentsOnce() {
    const { default: edge } = await import('edge.js')
    const loader = edge.loader
    const list = loader.listComponents.bind(loader)
    let components: ReturnType<typeof list> | undefined
    loader.listComponents = () => (components ??= list())
  }

  async ready() {}

  async shutdown() {}
}
