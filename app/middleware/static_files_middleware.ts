import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import StaticMiddleware from '@adonisjs/static/static_middleware'

/**
 * public/ holds only files with an extension (favicon.svg, sw.js, the
 * build's assets): a path without one (a page, `/`, an API route) goes on
 * without serve-static's look-up on disk, which every page paid for.
 */
@inject()
export default class StaticFilesMiddleware {
  constructor(protected files: StaticMiddleware) {}

  handle(ctx: HttpContext, next: NextFn) {
    const path = ctx.request.url()
    return path.lastIndexOf('.') > path.lastIndexOf('/') ? this.files.handle(ctx, next) : next()
  }
}
