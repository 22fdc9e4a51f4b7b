/**
 * @adonisjs/session's Japa plugin, on the session store the app is
 * configured with (the database in the SQLite pass, Redis in the Redis
 * pass) instead of the in-process memory store it always uses — so that the
 * functional suite signs in on the store HDTickets runs on. Two more
 * differences: the test's session is written before the request is sent
 * (awaited), and after the response only that session is removed, never one
 * the server made (a test may keep its cookie and send it again).
 */
import type { ApplicationService } from '@adonisjs/core/types'
import { configProvider } from '@adonisjs/core'
import lodash from '@poppinss/utils/lodash'
import { ApiClient, ApiRequest, ApiResponse } from '@japa/api-client'
import type { PluginFn } from '@japa/runner/types'
import type { ResolvedSessionConfig, SessionStoreContract } from '@adonisjs/session/types'
import { ValuesStore } from '@adonisjs/session'
import type {} from '@adonisjs/session/plugins/api_client'
import type { SessionClient } from '@adonisjs/session/client'
import { randomUUID } from 'node:crypto'

const FLASH_KEY = '__flash__'

class StoreSessionClient {
  #values = new ValuesStore({})
  #flash = new ValuesStore({})
  sessionId = randomUUID()

  constructor(private store: SessionStoreContract) {}

  merge(values: Record<string, any>) {
    this.#values.merge(values)
    return this
  }

  flash(values: Record<string, any>) {
    this.#flash.merge(values)
    return this
  }

  async commit() {
    if (!this.#flash.isEmpty) this.#values.set(FLASH_KEY, this.#flash.toJSON())
    if (!this.#values.isEmpty) await this.store.write(this.sessionId, this.#values.toJSON())
  }

  async destroy(sessionId?: string) {
    await this.store.destroy(sessionId ?? this.sessionId)
  }

  async load(sessionId?: string) {
    const store = new ValuesStore(await this.store.read(sessionId ?? this.sessionId))
    const flashMessages = store.pull(FLASH_KEY, {})
    return { values: store.all(), flashMessages }
  }
}

export function sessionApiClient(app: ApplicationService): PluginFn {
  return async function () {
    const config = (await configProvider.resolve<ResolvedSessionConfig>(
      app,
      app.config.get('session', {})
    ))!
    const makeStore = () => config.stores[config.store]({} as any, config) as SessionStoreContract

    ApiRequest.getter(
      'sessionClient',
      function () {
        return new StoreSessionClient(makeStore()) as unknown as SessionClient
      },
      true
    )
    ApiRequest.macro('withSession', function (this: ApiRequest, data: Record<string, any>) {
      ;(this as any).sessionClient.merge(data)
      return this
    })
    ApiRequest.macro('withFlashMessages', function (this: ApiRequest, data: Record<string, any>) {
      ;(this as any).sessionClient.flash(data)
      return this
    })
    ApiResponse.macro('session', function (this: any, key?: string) {
      return key ? lodash.get(this.sessionBag.values, key) : this.sessionBag.values
    })
    ApiResponse.macro('flashMessages', function (this: any) {
      return this.sessionBag.flashMessages
    })
    ApiResponse.macro('flashMessage', function (this: any, key: string) {
      return lodash.get(this.sessionBag.flashMessages, key)
    })
    ApiResponse.macro('assertSession', function (this: any, key: string, value?: any) {
      this.assert.property(this.session(), key)
      if (value !== undefined) this.assert.deepEqual(this.session(key), value)
    })
    ApiResponse.macro('assertSessionMissing', function (this: any, key: string) {
      this.assert.notProperty(this.session(), key)
    })
    ApiResponse.macro('assertFlashMessage', function (this: any, key: string, value?: any) {
      this.assert.property(this.flashMessages(), key)
      if (value !== undefined) this.assert.deepEqual(this.flashMessage(key), value)
    })
    ApiResponse.macro('assertFlashMissing', function (this: any, key: string) {
      this.assert.notProperty(this.flashMessages(), key)
    })
    ApiResponse.macro('assertHasValidationError', function (this: any, field: string) {
      this.assert.property(this.flashMessage('errors'), field)
    })
    ApiResponse.macro('assertDoesNotHaveValidationError', function (this: any, field: string) {
      this.assert.notProperty(this.flashMessage('errors'), field)
    })
    ApiResponse.macro(
      'assertValidationError',
      function (this: any, field: string, message: string) {
        this.assert.include(this.flashMessage('errors')?.[field] || [], message)
      }
    )
    ApiResponse.macro(
      'assertValidationErrors',
      function (this: any, field: string, messages: string[]) {
        this.assert.deepEqual(this.flashMessage('errors')?.[field] || [], messages)
      }
    )
    ApiClient.onRequest((request) => {
      const client = request.sessionClient as unknown as StoreSessionClient
      request.setup(async () => {
        if (!(request as any).cookiesJar[config.cookieName])
          request.withCookie(config.cookieName, client.sessionId)
        await client.commit()
        return async (error: unknown) => {
          if (error) await client.destroy()
        }
      })
      request.teardown(async (response) => {
        const sessionId = response.cookie(config.cookieName)
        ;(response as any).sessionBag = sessionId
          ? await client.load(sessionId.value)
          : { values: {}, flashMessages: {} }
        await client.destroy()
      })
    })
  }
}
