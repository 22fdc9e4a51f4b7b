import env from '#start/env'
import { assert } from '@japa/assert'
import app from '@adonisjs/core/services/app'
import type { Config } from '@japa/runner/types'
import { pluginAdonisJS } from '@japa/plugin-adonisjs'
import { apiClient } from '@japa/api-client'
import { sessionApiClient } from '#tests/helpers/session_api_client'
import { authApiClient } from '@adonisjs/auth/plugins/api_client'
import { inertiaApiClient } from '@adonisjs/inertia/plugins/api_client'
import { shieldApiClient } from '@adonisjs/shield/plugins/api_client'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'

export const plugins: Config['plugins'] = [
  assert(),
  pluginAdonisJS(app),
  apiClient(),
  sessionApiClient(app),
  shieldApiClient(),
  authApiClient(app),
  inertiaApiClient(app),
]

/**
 * Before the run: the database of this pass (SQLite file, or the MariaDB /
 * PostgreSQL `test` database in the service passes) emptied and migrated.
 * A service that is not reachable fails the run here, loudly.
 */
export const runnerHooks: Required<Pick<Config, 'setup' | 'teardown'>> = {
  setup: [
    async () => {
      await db.connection().dropAllTables()
      /**
       * Without Lucid's advisory lock: on MySQL/MariaDB it is one server-wide
       * name (GET_LOCK('1')), so test runs of other databases on the same
       * server (TEST_MYSQL_DATABASE) collided on it ("unable to release
       * database lock"). Each run migrates a database of its own.
       */
      const ace = await app.container.make('ace')
      const migrated = await ace.exec('migration:run', [
        '--compact-output',
        '--no-schema-generate',
        '--disable-locks',
      ])
      if (migrated.exitCode) throw migrated.error ?? new Error('migration:run failed')
    },
    /**
     * With Redis in use, its database (REDIS_DB, the test run's own) starts
     * empty too: jobs an earlier run left queued would otherwise run in this
     * one, against rows whose ids SQLite has since handed out again.
     */
    async () => {
      if (
        ![
          env.get('QUEUE_DRIVER'),
          env.get('LIMITER_STORE'),
          env.get('LOCK_STORE'),
          env.get('TRANSMIT_TRANSPORT'),
        ].includes('redis')
      )
        return
      const { default: redis } = await import('@adonisjs/redis/services/main')
      await redis.connection().flushdb()
    },
  ],
  teardown: [],
}

export const configureSuite: Config['configureSuite'] = (suite) => {
  if (suite.name === 'browser') {
    /** One browser for the whole pass, closed after the last file. */
    suite.teardown(async () => {
      const { closeSharedBrowser } = await import('#tests/helpers/browser')
      await closeSharedBrowser()
    })
  }
  if (['browser', 'functional', 'e2e'].includes(suite.name)) {
    return suite.setup(() => testUtils.httpServer().start())
  }
}
