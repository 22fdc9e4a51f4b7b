import { test } from '@japa/runner'
import { deriveRedisPrefix } from '#config/redis'
import { transmitChannel } from '#config/transmit'

test.group('Redis prefix (REDIS_PREFIX default)', () => {
  test('derived from the key: stable, one per key, and nothing of the key in it', ({ assert }) => {
    const key = 'k'.repeat(16) + '0123456789abcdef0123456789abcdef'
    assert.equal(deriveRedisPrefix(key), deriveRedisPrefix(key))
    assert.notEqual(deriveRedisPrefix(key), deriveRedisPrefix(`${key}x`))
    assert.match(deriveRedisPrefix(key), /^hdt-[0-9a-f]{12}$/)
    assert.notInclude(deriveRedisPrefix(key), key.slice(0, 8))
  })

  test("the SSE fan-out channel is the deployment's own", ({ assert }) => {
    assert.equal(transmitChannel('hdt-abc'), 'hdt-abc:transmit::broadcast')
    assert.notEqual(transmitChannel('hdt-abc'), transmitChannel('hdt-abd'))
  })
})
