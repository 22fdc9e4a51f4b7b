import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import transmit from '@adonisjs/transmit/services/main'
import { Transmit } from '@boringnode/transmit'
import { redis } from '@adonisjs/transmit/transports/redis'
import env from '#start/env'
import { Redis } from 'ioredis'
import { deriveRedisPrefix, redisOptions, redisPrefix } from '#config/redis'
import { transmitChannel } from '#config/transmit'
import User from '#models/user'
import { createUser } from '#tests/helpers/users'
import { browserLogin } from '#tests/helpers/web_login'

const BASE = `http://${process.env.HOST}:${process.env.PORT}`

/** Opens an SSE stream as the given session cookie and collects what arrives. */
async function openStream(cookie: string, uid: string) {
  const controller = new AbortController()
  const response = await fetch(`${BASE}/__transmit/events?uid=${uid}`, {
    headers: { cookie, accept: 'text/event-stream' },
    redirect: 'manual',
    signal: controller.signal,
  })
  const decoder = new TextDecoder()
  const reader = response.body!.getReader()
  let received = ''
  const waiters: Array<{ text: string; resolve: () => void }> = []
  ;(async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        received += decoder.decode(value)
        for (const waiter of [...waiters]) {
          if (received.includes(waiter.text)) {
            waiters.splice(waiters.indexOf(waiter), 1)
            waiter.resolve()
          }
        }
      }
    } catch {}
  })()
  return {
    status: response.status,
    received: () => received,
    waitFor: (text: string) =>
      new Promise<void>((resolve, reject) => {
        if (received.includes(text)) return resolve()
        waiters.push({ text, resolve })
        setTimeout(() => reject(new Error(`"${text}" never arrived; got: ${received}`)), 5000)
      }),
    close: () => controller.abort(),
  }
}

test.group('Realtime (SSE)', (group) => {
  group.each.setup(async () => {
    await User.query().delete()
  })

  test('a message on users/<id> reaches only that user', async ({ client, assert, cleanup }) => {
    const alice = await createUser('member', { password: 'alice password 1' })
    const bob = await createUser('member', { password: 'bob password 22' })
    const aliceCookie = (await browserLogin(BASE, alice.email, 'alice password 1')).cookie
    const bobCookie = (await browserLogin(BASE, bob.email, 'bob password 22')).cookie

    const aliceUid = randomUUID()
    const bobUid = randomUUID()
    const aliceStream = await openStream(aliceCookie, aliceUid)
    const bobStream = await openStream(bobCookie, bobUid)
    cleanup(() => {
      aliceStream.close()
      bobStream.close()
    })
    assert.equal(aliceStream.status, 200)

    const own = await client
      .post('/__transmit/subscribe')
      .json({ uid: aliceUid, channel: `users/${alice.id}` })
      .loginAs(alice)
    own.assertStatus(204)

    /** Bob may not listen on Alice's channel. */
    const intrusion = await client
      .post('/__transmit/subscribe')
      .json({ uid: bobUid, channel: `users/${alice.id}` })
      .loginAs(bob)
    assert.notEqual(intrusion.status(), 204)
    const bobOwn = await client
      .post('/__transmit/subscribe')
      .json({ uid: bobUid, channel: `users/${bob.id}` })
      .loginAs(bob)
    bobOwn.assertStatus(204)

    transmit.broadcast(`users/${alice.id}`, { note: 'for-alice-only' })
    transmit.broadcast(`users/${bob.id}`, { note: 'for-bob' })

    await aliceStream.waitFor('for-alice-only')
    await bobStream.waitFor('for-bob')
    /** Alice's message was sent before Bob's: had Bob been subscribed, it would be in his stream. */
    assert.notInclude(bobStream.received(), 'for-alice-only')
    assert.notInclude(aliceStream.received(), 'for-bob')
  })

  test('a signed-out visitor cannot open a stream', async ({ assert }) => {
    const response = await fetch(`${BASE}/__transmit/events?uid=${randomUUID()}`, {
      redirect: 'manual',
    })
    assert.equal(response.status, 302)
    await response.body?.cancel()
  })
})

/**
 * Two deployments on one Redis server: pub/sub ignores REDIS_DB, so only
 * the channel prefix (REDIS_PREFIX, by default from APP_KEY's hash) keeps
 * one's live updates from reaching the other's users. Runs where SSE fans
 * out through Redis (the redis pass).
 */
test.group('Realtime (SSE) across deployments sharing a Redis server', (group) => {
  group.each.setup(async () => {
    await User.query().delete()
  })

  /** Another web process, as config/transmit.ts builds it (no prefix: as every deployment did before). */
  function peer(prefix: string | null, database: number) {
    const transport = redis({ ...redisOptions, db: database })()
    return new Transmit(
      {
        transport: {
          driver: () => transport,
          ...(prefix === null ? {} : { channel: transmitChannel(prefix) }),
        },
      },
      transport
    )
  }

  test("another deployment's message never reaches this one; a peer's of this deployment does", async ({
    client,
    assert,
    cleanup,
  }) => {
    const user = await createUser('member', { password: 'carol password 3' })
    const uid = randomUUID()
    const stream = await openStream(
      (await browserLogin(BASE, user.email, 'carol password 3')).cookie,
      uid
    )
    cleanup(() => stream.close())
    const subscribed = await client
      .post('/__transmit/subscribe')
      .json({ uid, channel: `users/${user.id}` })
      .loginAs(user)
    subscribed.assertStatus(204)

    const otherPrefix = deriveRedisPrefix('the other deployment has a key of its own')
    const unprefixed = peer(null, redisOptions.db + 1)
    const otherDeployment = peer(otherPrefix, redisOptions.db + 1)
    const sameDeployment = peer(redisPrefix, redisOptions.db)
    /** Sees what the two others publish: once it has, Redis has handed it to every subscriber. */
    const spy = new Redis(redisOptions)
    cleanup(async () => {
      spy.disconnect()
      await Promise.all([unprefixed, otherDeployment, sameDeployment].map((t) => t.shutdown()))
    })
    let seen = ''
    spy.on('message', (_channel: string, message: string) => (seen += message))
    await spy.subscribe('transmit::broadcast', transmitChannel(otherPrefix))

    const note = randomUUID()
    unprefixed.broadcast(`users/${user.id}`, { note: `unprefixed-${note}` })
    otherDeployment.broadcast(`users/${user.id}`, { note: `other-deployment-${note}` })
    const deadline = Date.now() + 5_000
    while (!(seen.includes(`unprefixed-${note}`) && seen.includes(`other-deployment-${note}`))) {
      if (Date.now() > deadline)
        assert.fail(`the other deployments' messages were not published: ${seen}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    sameDeployment.broadcast(`users/${user.id}`, { note: `peer-${note}` })

    await stream.waitFor(`peer-${note}`)
    assert.notInclude(stream.received(), `unprefixed-${note}`)
    assert.notInclude(stream.received(), `other-deployment-${note}`)
  }).skip(env.get('TRANSMIT_TRANSPORT') !== 'redis', 'needs TRANSMIT_TRANSPORT=redis (redis pass)')
})
