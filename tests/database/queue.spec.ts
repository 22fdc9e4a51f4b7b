import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import User from '#models/user'
import PruneExpiredTokens from '#jobs/prune_expired_tokens'
import { createWorker } from '#services/embedded_worker'
import { createUser } from '#tests/helpers/users'
import { waitFor } from '#tests/helpers/wait'

test.group(
  `Queue (${env.get('QUEUE_DRIVER', 'database')} driver, ${env.get('DB_CONNECTION', 'sqlite')})`,
  () => {
    test('a dispatched job is picked up by a worker and runs', async ({ assert, cleanup }) => {
      const user = await createUser('member')
      const expired = await User.accessTokens.create(user, ['read'], {
        name: 'old',
        expiresIn: '1 second',
      })
      const fresh = await User.accessTokens.create(user, ['read'], { name: 'fresh' })

      const worker = await createWorker()
      cleanup(() => worker.stop())
      worker.start(['default']).catch(() => {})

      await PruneExpiredTokens.dispatch({ now: new Date(Date.now() + 60_000).toISOString() })

      const ran = await waitFor(async () => {
        const row = await db
          .from('auth_access_tokens')
          .where('id', expired.identifier as number)
          .first()
        return !row
      })
      assert.isTrue(ran, 'the worker ran the job')
      const remaining = await db
        .from('auth_access_tokens')
        .where('tokenable_id', user.id)
        .select('id')
      assert.deepEqual(
        remaining.map((row) => Number(row.id)),
        [Number(fresh.identifier)]
      )
    }).timeout(30_000)
  }
)
