/**
 * Everything a deployment keeps in Redis — queued jobs, limiter counters,
 * locks — lives under its prefix (REDIS_PREFIX, by default from APP_KEY's
 * hash), so two deployments may share one Redis database. Runs where Redis
 * backs the queue, the limiter and the locks (the redis pass).
 */
import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import limiter from '@adonisjs/limiter/services/main'
import lock from '@adonisjs/lock/services/main'
import env from '#start/env'
import PruneExpiredTokens from '#jobs/prune_expired_tokens'
import { redisOptions, redisPrefix } from '#config/redis'

const everythingInRedis =
  env.get('QUEUE_DRIVER') === 'redis' &&
  env.get('LIMITER_STORE') === 'redis' &&
  env.get('LOCK_STORE') === 'redis'

test.group('Redis keys carry the deployment prefix', (group) => {
  /** A client without the prefix: what another deployment on the same database would see. */
  let raw: Redis
  group.setup(() => {
    raw = new Redis(redisOptions)
    return () => void raw.disconnect()
  })

  const keysOf = async (pattern: string) => {
    const found: string[] = []
    let cursor = '0'
    do {
      const [next, keys] = await raw.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
      cursor = next
      found.push(...keys)
    } while (cursor !== '0')
    return found
  }

  test('queued jobs, limiter counters and locks are stored under <prefix>:', async ({
    assert,
    cleanup,
  }) => {
    const queueName = `prefix-queue-${randomUUID()}`
    await PruneExpiredTokens.dispatch({}).toQueue(queueName)
    cleanup(async () => {
      const keys = await keysOf(`*jobs::${queueName}::*`)
      if (keys.length) await raw.del(...keys)
    })
    const jobKeys = await keysOf(`*jobs::${queueName}::*`)
    assert.isNotEmpty(jobKeys)
    for (const key of jobKeys) assert.isTrue(key.startsWith(`${redisPrefix}:`), key)

    const counter = `prefix-limiter-${randomUUID()}`
    await limiter.use({ requests: 5, duration: '1 min' }).consume(counter)
    const limiterKeys = await keysOf(`*${counter}*`)
    assert.lengthOf(limiterKeys, 1)
    assert.isTrue(limiterKeys[0].startsWith(`${redisPrefix}:`), limiterKeys[0])

    const name = `prefix-lock-${randomUUID()}`
    const held = lock.createLock(name, '10s')
    assert.isTrue(await held.acquireImmediately())
    cleanup(() => held.release())
    const lockKeys = await keysOf(`*${name}*`)
    assert.lengthOf(lockKeys, 1)
    assert.isTrue(lockKeys[0].startsWith(`${redisPrefix}:`), lockKeys[0])

    /** Nothing of this deployment is stored outside its prefix. */
    for (const key of [...jobKeys, ...limiterKeys, ...lockKeys])
      assert.notMatch(key, /^jobs::/, 'an unprefixed key would be shared with other deployments')
  }).skip(!everythingInRedis, 'needs the queue, limiter and locks on Redis (redis pass)')
})
