import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { Exception } from '@adonisjs/core/exceptions'
import { HttpContext } from '@adonisjs/core/http'
import { jobContext } from '#services/job_context'
import { CATALOGUE, type ErrorCode } from '#exceptions/catalogue'

const INTERNAL = 'E_INTERNAL' satisfies ErrorCode

type Kind = 'unhandled rejection' | 'uncaught exception'

/**
 * No request, job or payload can stop the process. An unhandled rejection
 * or an uncaught exception is logged with where it came from — the request
 * id (AsyncLocalStorage: config/app.ts `useAsyncLocalStorage`) or the job id
 * (app/services/job_context.ts) — and the process keeps serving. A request
 * still waiting for its answer gets the 500 envelope (JSON) or the 500 page.
 *
 * Installed in every process that serves or works (start/process_guard.ts):
 * the web server, `node ace queue:work` and the other Ace commands, the tests.
 */
export function onUnhandledRejection(reason: unknown) {
  guard(reason, 'unhandled rejection')
}

export function onUncaughtException(error: Error) {
  guard(error, 'uncaught exception')
}

let installed = false

export function installProcessGuard() {
  if (installed) return
  installed = true
  process.on('unhandledRejection', onUnhandledRejection)
  process.on('uncaughtException', onUncaughtException)
}

function guard(error: unknown, kind: Kind) {
  try {
    const ctx = HttpContext.get()
    const job = jobContext.getStore()
    if (ctx) {
      logger.error({ err: error, request_id: ctx.request.id() }, `${kind} in a request`)
      answer500(ctx).catch(() => {})
    } else if (job) {
      logger.error(
        { err: error, job_id: job.jobId, job: job.name, queue: job.queue },
        `${kind} in a job`
      )
    } else {
      logger.error({ err: error }, kind)
      /** A one-shot Ace command still reports the failure through its exit code. */
      if (app.getEnvironment() === 'console') process.exitCode = 1
    }
  } catch {
    /** The guard itself must never throw: that would end the process. */
  }
}

/** The request's own error page, unless it already has its answer. */
async function answer500(ctx: HttpContext) {
  if (!ctx.response.isPending) return
  try {
    const { default: HttpExceptionHandler } = await import('#exceptions/handler')
    const handler = await app.container.make(HttpExceptionHandler)
    /** A plain Exception, not an ApiException: in production the 500 page shows no message. */
    await handler.handle(
      new Exception('Internal server error', {
        status: CATALOGUE[INTERNAL].status,
        code: INTERNAL,
      }),
      ctx
    )
  } catch {
    ctx.response
      .status(CATALOGUE[INTERNAL].status)
      .send({ errors: [{ code: INTERNAL, message: 'Internal server error' }] })
  }
  ctx.response.finish()
}
