import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import BaseInertiaMiddleware from '@adonisjs/inertia/inertia_middleware'
import UserTransformer from '#transformers/user_transformer'

/**
 * Props shared with every page: the signed-in user (through its
 * transformer, a whitelist), flash messages and validation errors.
 */
export default class InertiaMiddleware extends BaseInertiaMiddleware {
  share(ctx: HttpContext) {
    const { session, auth } = ctx as Partial<HttpContext>
    const user = auth?.user
    return {
      errors: ctx.inertia.always(this.getValidationErrors(ctx)),
      flash: ctx.inertia.always({
        error: (session?.flashMessages.get('error') as string | undefined) ?? null,
        success: (session?.flashMessages.get('success') as string | undefined) ?? null,
      }),
      user: ctx.inertia.always(user ? UserTransformer.toJSON(user) : null),
      /** The request's clock: relative times ("12 s ago") hydrate without a mismatch. */
      now: ctx.inertia.always(new Date().toISOString()),
    }
  }

  async handle(ctx: HttpContext, next: NextFn) {
    await this.init(ctx)
    try {
      return await next()
    } finally {
      this.dispose(ctx)
    }
  }
}

declare module '@adonisjs/inertia/types' {
  type MiddlewareSharedProps = InferSharedProps<InertiaMiddleware>
  export interface SharedProps extends MiddlewareSharedProps {}
}
