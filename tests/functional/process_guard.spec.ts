/**
 * Issue #12, item 1: no unhandled rejection or uncaught exception arising in
 * a request or a job ends the process. It is logged with the request id (or
 * job id), the request gets the 500 envelope or page, and the server keeps
 * answering.
 *
 * The runner's own listeners (Japa fails the run on any unhandled error) are
 * set aside while a case provokes one on purpose: only the guard is left, so
 * without it Node would end this very process.
 */
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import OpenApiController from '#controllers/api/v1/openapi_controller'
import AuthController from '#controllers/auth_controller'
import { onUncaughtException, onUnhandledRejection } from '#exceptions/process_guard'
import { runInJobContext } from '#services/job_context'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs `fn` with only the process guard listening for unhandled errors. */
async function guardOnly<T>(fn: () => Promise<T>): Promise<T> {
  const saved = {
    unhandledRejection: process
      .listeners('unhandledRejection')
      .filter((l) => l !== onUnhandledRejection),
    uncaughtException: process
      .listeners('uncaughtException')
      .filter((l) => l !== onUncaughtException),
  }
  for (const [event, listeners] of Object.entries(saved))
    for (const listener of listeners) process.off(event, listener as any)
  try {
    return await fn()
  } finally {
    for (const [event, listeners] of Object.entries(saved))
      for (const listener of listeners) process.on(event, listener as any)
  }
}

/** What is logged at error level while `fn` runs (the app logger and its children share one class). */
async function capturedErrors(fn: () => Promise<void>) {
  const lines: Array<Record<string, any>> = []
  const proto = Object.getPrototypeOf(logger)
  const original = proto.error
  proto.error = function (this: unknown, ...args: any[]) {
    if (typeof args[0] === 'object') lines.push({ ...args[0], msg: args[1] })
    return original.apply(this, args)
  }
  try {
    await fn()
  } finally {
    proto.error = original
  }
  return lines
}

test.group('Process guard', (group) => {
  group.each.teardown(() => {
    app.container.restore(OpenApiController)
    app.container.restore(AuthController)
  })

  test('is listening in every process that serves or works', ({ assert }) => {
    assert.include(process.listeners('unhandledRejection'), onUnhandledRejection)
    assert.include(process.listeners('uncaughtException'), onUncaughtException)
    const preload = app.rcFile.preloads.find((entry) =>
      String(entry.file).includes('process_guard')
    )
    assert.exists(preload, 'start/process_guard is preloaded')
    assert.includeMembers(preload!.environment, ['web', 'console', 'test'])
  })

  test('an unhandled rejection in a request: 500 envelope, logged with the request id, server lives', async ({
    client,
    assert,
  }) => {
    app.container.swap(OpenApiController, () => {
      const controller = new OpenApiController()
      controller.document = async ({ response }) => {
        Promise.reject(new Error('boom from a forgotten promise'))
        await sleep(200)
        return response.json({ reached: true })
      }
      return controller
    })
    let response: any
    const lines = await capturedErrors(() =>
      guardOnly(async () => {
        response = await client.get('/api/v1/openapi.json').header('x-request-id', 'guard-req-1')
        await sleep(250)
      })
    )
    assert.equal(response.status(), 500)
    assert.deepEqual(response.body(), {
      errors: [{ code: 'E_INTERNAL', message: 'Internal server error' }],
    })
    assert.equal(response.header('x-request-id'), 'guard-req-1')
    const line = lines.find((l) => l.msg === 'unhandled rejection in a request')
    assert.exists(line, 'the rejection is logged')
    assert.equal(line!.request_id, 'guard-req-1')
    assert.equal(line!.err.message, 'boom from a forgotten promise')

    const live = await client.get('/health/live')
    assert.equal(live.status(), 200)
  })

  test('an uncaught exception in a request: the 500 page, server lives', async ({
    client,
    assert,
  }) => {
    const real = await app.container.make(AuthController)
    app.container.swap(AuthController, () => {
      const controller = Object.create(real) as AuthController
      controller.showLogin = async ({ inertia }) => {
        setTimeout(() => {
          throw new Error('thrown from a timer')
        }, 5)
        await sleep(200)
        return inertia.render('auth/login', { signupEnabled: true })
      }
      return controller
    })
    let response: any
    const lines = await capturedErrors(() =>
      guardOnly(async () => {
        response = await client.get('/login').withInertia()
        await sleep(250)
      })
    )
    assert.equal(response.status(), 500)
    assert.equal(response.header('x-inertia'), 'true')
    assert.equal(response.body().component, 'errors/server_error')
    assert.notInclude(JSON.stringify(response.body()), 'thrown from a timer')
    const line = lines.find((l) => l.msg === 'uncaught exception in a request')
    assert.exists(line)
    assert.equal(line!.request_id, response.header('x-request-id'))

    const live = await client.get('/health/live')
    assert.equal(live.status(), 200)
  })

  test('an unhandled rejection in a job is logged with the job id', async ({ assert }) => {
    const lines = await capturedErrors(() =>
      guardOnly(async () => {
        await runInJobContext(
          async () => {
            Promise.reject(new Error('job side effect failed'))
            await sleep(20)
          },
          { id: 'job-42', name: 'CheckTicketAvailability' },
          'checks'
        )
        await sleep(20)
      })
    )
    const line = lines.find((l) => l.msg === 'unhandled rejection in a job')
    assert.exists(line)
    assert.include(line!, { job_id: 'job-42', job: 'CheckTicketAvailability', queue: 'checks' })
  })
})
