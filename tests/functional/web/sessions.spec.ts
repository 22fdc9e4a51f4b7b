/**
 * Issue #12, item 2: web sessions live on the server (the database here,
 * Redis in the Redis pass) and end when they should — at logout for every
 * copy of the cookie, at a password change for the user's other sessions,
 * at "Sign out everywhere" for all of them, after the idle timeout and after
 * the lifetime counted from sign-in.
 */
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { SessionCollection } from '@adonisjs/session'
import { sessionLimits, sessionStore } from '#config/session'
import { sessionTouch } from '#services/throttled_session_touch'
import { createUser } from '#tests/helpers/users'
import { HttpAgent } from '#tests/helpers/http_agent'

const PASSWORD = 'correct horse battery'

/** The user's sessions that are signed in, as the store holds them. */
async function sessionIdsOf(userId: number) {
  const collection = await app.container.make(SessionCollection)
  return (await collection.tagged(String(userId)))
    .filter((session) => String(session.data.auth_web) === String(userId))
    .map((session) => session.id)
}

/** Leaves a stored session `ms` before its idle timeout, in whichever store holds it. */
async function expireIn(sessionId: string, ms: number) {
  if (sessionStore === 'database') {
    await db
      .from('sessions')
      .where('id', sessionId)
      .update({ expires_at: new Date(Date.now() + ms) })
  } else if (sessionStore === 'redis') {
    const { default: redis } = await import('@adonisjs/redis/services/main')
    await redis.connection().pexpire(sessionId, Math.max(1, ms))
  } else {
    throw new Error(`no way to age a session in the ${sessionStore} store`)
  }
  if (ms <= 0) await new Promise((resolve) => setTimeout(resolve, 20))
}

/** Seconds the store keeps a session for, from now. */
async function storedLifetime(sessionId: string) {
  if (sessionStore === 'database') {
    const row = await db.from('sessions').where('id', sessionId).firstOrFail()
    return (new Date(row.expires_at).getTime() - Date.now()) / 1000
  }
  const { default: redis } = await import('@adonisjs/redis/services/main')
  return redis.connection().ttl(sessionId)
}

test.group('Web sessions', () => {
  test('sessions are kept on the server: the configured store is database or redis', ({
    assert,
  }) => {
    assert.oneOf(sessionStore, ['database', 'redis'])
  })

  test('logging out ends the session for every copy of its cookie', async ({ assert }) => {
    const user = await createUser('member')
    const browser = new HttpAgent()
    await browser.login(user.email, PASSWORD)
    const copy = browser.copy()
    assert.isTrue(await copy.signedIn(), 'the copied cookie opens the pages before logout')

    const out = await browser.request('POST', '/logout')
    assert.equal(out.status, 302)
    assert.equal(out.location, '/login')

    assert.isFalse(await copy.signedIn(), 'the cookie saved before logout is worth nothing')
    assert.deepEqual(await sessionIdsOf(user.id), [])
  })

  test('a password change ends every other session of the user, not this one', async ({
    assert,
  }) => {
    const user = await createUser('member')
    const laptop = new HttpAgent()
    const phone = new HttpAgent()
    await laptop.login(user.email, PASSWORD)
    await phone.login(user.email, PASSWORD)
    assert.lengthOf(await sessionIdsOf(user.id), 2)

    const changed = await laptop.request('PUT', '/settings/password', {
      json: {
        currentPassword: PASSWORD,
        password: 'quartz-lantern-orbit-42',
        passwordConfirmation: 'quartz-lantern-orbit-42',
      },
    })
    assert.equal(changed.status, 302)
    assert.equal(changed.location, '/settings')

    assert.isTrue(await laptop.signedIn(), 'the session that changed it stays')
    assert.isFalse(await phone.signedIn(), 'the other session ended')
    assert.lengthOf(await sessionIdsOf(user.id), 1)
  })

  test('Settings → "Sign out everywhere" ends every session, this one too', async ({ assert }) => {
    const user = await createUser('viewer')
    const other = await createUser('viewer')
    const laptop = new HttpAgent()
    const phone = new HttpAgent()
    const stranger = new HttpAgent()
    await laptop.login(user.email, PASSWORD)
    await phone.login(user.email, PASSWORD)
    await stranger.login(other.email, PASSWORD)

    const page = await laptop.request('GET', '/settings', { inertia: true })
    assert.equal(JSON.parse(page.text).props.sessionCount, 2)

    const out = await laptop.request('POST', '/settings/sessions/sign-out-everywhere')
    assert.equal(out.status, 302)
    assert.equal(out.location, '/login')
    assert.isFalse(await laptop.signedIn())
    assert.isFalse(await phone.signedIn())
    assert.isTrue(await stranger.signedIn(), "another user's session is untouched")
  })

  test('a session unused for the idle timeout ends; requests push the timeout back', async ({
    assert,
    cleanup,
  }) => {
    const user = await createUser('member')
    const browser = new HttpAgent()
    await browser.login(user.email, PASSWORD)
    const [sessionId] = await sessionIdsOf(user.id)
    const kept = await storedLifetime(sessionId)
    assert.closeTo(kept, sessionLimits.idleSeconds, 5, 'the store keeps it for the idle timeout')

    /** The expiry is written back at most once a minute: within it, a request leaves it alone */
    await expireIn(sessionId, 30_000)
    assert.isTrue(await browser.signedIn())
    assert.closeTo(await storedLifetime(sessionId), 30, 5, 'not written within the minute')

    /** The stored expiry stands for time gone by; so must the last write back */
    const every = sessionTouch.everyMs
    cleanup(() => {
      sessionTouch.everyMs = every
    })
    sessionTouch.everyMs = 0
    assert.isTrue(await browser.signedIn())
    assert.closeTo(await storedLifetime(sessionId), sessionLimits.idleSeconds, 5, 'pushed back')

    await expireIn(sessionId, -1000)
    assert.isFalse(await browser.signedIn())
  })

  test('a session ends SESSION_LIFETIME after sign-in, however busy', async ({
    assert,
    cleanup,
  }) => {
    const user = await createUser('member')
    const browser = new HttpAgent()
    await browser.login(user.email, PASSWORD)
    assert.isTrue(await browser.signedIn())

    const lifetime = sessionLimits.lifetimeSeconds
    cleanup(() => {
      sessionLimits.lifetimeSeconds = lifetime
    })
    sessionLimits.lifetimeSeconds = 1
    await new Promise((resolve) => setTimeout(resolve, 1100))

    const page = await browser.request('GET', '/settings')
    assert.equal(page.status, 302)
    assert.equal(page.location, '/login')
    const login = await browser.request('GET', '/login', { inertia: true })
    assert.equal(
      JSON.parse(login.text).props.flash.error,
      'Your session has ended. Sign in again to continue.'
    )
  })
})
