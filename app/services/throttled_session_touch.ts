/**
 * A session store whose `touch` (pushing the idle expiry back, which the
 * session middleware does on every request that changed nothing) reaches
 * the store at most once a minute per session: on a busy page that was a
 * database (or Redis) write per request. The idle timeout stays what it is,
 * give or take that minute. Reads, writes, tags and destroys go straight
 * through, so signing out (here or everywhere) still ends a session at once.
 */
import { configProvider } from '@adonisjs/core'
import type { ConfigProvider } from '@adonisjs/core/types'
import type { SessionStoreFactory } from '@adonisjs/session/types'

/** How often a session's expiry is pushed back at most (like `sessionLimits`, a setting a test may lower) */
export const sessionTouch = { everyMs: 60_000 }

export function touchAtMostOncePerMinute(
  store: ConfigProvider<SessionStoreFactory>
): ConfigProvider<SessionStoreFactory> {
  return configProvider.create(async (app) => {
    const factory = await store.resolver(app)
    /** Session id → when this process last touched (or wrote) it */
    const touched = new Map<string, number>()
    const forget = (now: number) => {
      if (touched.size < 10_000) return
      for (const [id, at] of touched) if (now - at >= sessionTouch.everyMs) touched.delete(id)
    }
    return (ctx, config) => {
      const inner = factory(ctx, config)
      return new Proxy(inner, {
        get(target, property) {
          if (property === 'touch')
            return async (sessionId: string) => {
              const now = Date.now()
              const last = touched.get(sessionId)
              if (last !== undefined && now - last < sessionTouch.everyMs && now >= last) return
              forget(now)
              touched.set(sessionId, now)
              await target.touch(sessionId)
            }
          if (property === 'write')
            return async (sessionId: string, data: any) => {
              touched.set(sessionId, Date.now())
              await target.write(sessionId, data)
            }
          if (property === 'destroy')
            return async (sessionId: string) => {
              touched.delete(sessionId)
              await target.destroy(sessionId)
            }
          const value = Reflect.get(target, property, target)
          return typeof value === 'function' ? value.bind(target) : value
        },
      })
    }
  })
}
