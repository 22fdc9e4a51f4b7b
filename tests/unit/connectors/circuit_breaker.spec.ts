import { test } from '@japa/runner'
import {
  CircuitBreaker,
  MemoryCircuitStore,
  type CircuitStore,
} from '#connectors/transport/circuit_breaker'
import { FakeClock } from '#tests/connectors/helpers/transport'

const options = { windowMs: 60_000, minimumRequests: 10, failureRate: 0.5, cooldownMs: 30_000 }

/** Two workers' breakers over one store, as the limiter store shares them across processes. */
function cluster(clock = new FakeClock(0)) {
  const store = new MemoryCircuitStore({ clock })
  return {
    clock,
    store,
    a: new CircuitBreaker({ ...options, store, clock }),
    b: new CircuitBreaker({ ...options, store, clock }),
  }
}

test.group('circuit breaker (per platform, on a failure rate)', () => {
  test('opens on the share of failed calls in the window, not on a streak', async ({ assert }) => {
    const { a } = cluster()
    /** 4 failures in 10 calls, interleaved: 40 %, stays closed. */
    for (let i = 0; i < 10; i++) {
      assert.isTrue((await a.check('tm')).allowed)
      if (i % 5 < 2) a.recordFailure('tm')
      else a.recordSuccess('tm')
    }
    assert.isTrue((await a.check('tm')).allowed)
    a.recordFailure('tm')
    /** 5 of 11: 45 %. Below the minimum number of calls nothing opens either. */
    assert.isTrue((await a.check('tm')).allowed)
    a.recordFailure('tm')
    /** 6 of 12: 50 % — open, for the cool-down. */
    assert.deepEqual(await a.check('tm'), { allowed: false, retryAfterMs: 30_000 })
    assert.equal((await a.status('tm')).state, 'open')

    const quiet = cluster().a
    for (let i = 0; i < 9; i++) quiet.recordFailure('few')
    assert.isTrue((await quiet.check('few')).allowed, '9 calls: below minimumRequests')
  })

  test('failures of one platform counted by two workers open it for both', async ({ assert }) => {
    const { a, b, clock } = cluster()
    for (let i = 0; i < 5; i++) a.recordFailure('seatgeek')
    for (let i = 0; i < 5; i++) b.recordFailure('seatgeek')
    assert.isTrue((await a.check('seatgeek')).allowed, 'a alone has seen 5 calls')
    assert.isFalse((await b.check('seatgeek')).allowed, 'the shared window holds 10 failures')
    clock.advance(1_000)
    assert.isFalse((await a.check('seatgeek')).allowed, 'a reads the open circuit at its next sync')
    assert.isTrue((await a.check('stubhub')).allowed, 'other platforms are not held back')
  })

  test('half-open: one probe in the whole cluster; its success closes, its failure re-opens', async ({
    assert,
  }) => {
    const { a, b, clock } = cluster()
    for (let i = 0; i < 10; i++) a.recordFailure('tm')
    assert.isFalse((await a.check('tm')).allowed)
    clock.advance(30_000)
    const decisions = [await a.check('tm'), await b.check('tm'), await a.check('tm')]
    assert.deepEqual(
      decisions.map((decision) => decision.allowed),
      [true, false, false],
      'only the first caller probes'
    )
    assert.equal((await a.status('tm')).state, 'half-open')
    a.recordFailure('tm')
    assert.deepEqual(await a.check('tm'), { allowed: false, retryAfterMs: 30_000 })
    clock.advance(1_000)
    assert.isFalse((await b.check('tm')).allowed, 're-opened for b too')

    clock.advance(30_000)
    const probe = [await b.check('tm'), await a.check('tm')]
    assert.deepEqual(
      probe.map((decision) => decision.allowed),
      [true, false]
    )
    b.recordSuccess('tm')
    assert.isTrue((await b.check('tm')).allowed)
    clock.advance(1_000)
    assert.isTrue((await a.check('tm')).allowed, 'closed for a after its next sync')
    assert.equal((await a.status('tm')).state, 'closed')
  })

  test('a probe that never reported (refused before it went out) expires', async ({ assert }) => {
    const { a, clock } = cluster()
    for (let i = 0; i < 10; i++) a.recordFailure('tm')
    await a.check('tm')
    clock.advance(30_000)
    assert.isTrue((await a.check('tm')).allowed, 'the probe')
    /** …which a rate limit stopped before sending: no outcome is ever recorded. */
    assert.isFalse((await a.check('tm')).allowed)
    clock.advance(30_000)
    assert.isTrue((await a.check('tm')).allowed, 'a new probe after the lease')
  })

  test('successes are written in batches, failures at once', async ({ assert }) => {
    const clock = new FakeClock(0)
    const inner = new MemoryCircuitStore({ clock })
    let writes = 0
    const store: CircuitStore = {
      record: (...args) => (writes++, inner.record(...args)),
      read: (key) => inner.read(key),
      open: (key, ms) => inner.open(key, ms),
      claimProbe: (key, ms) => inner.claimProbe(key, ms),
      close: (key) => inner.close(key),
    }
    const breaker = new CircuitBreaker({ ...options, store, clock })
    for (let i = 0; i < 500; i++) {
      await breaker.check('tm')
      breaker.recordSuccess('tm')
      clock.advance(5)
    }
    assert.isAtMost(writes, 4, '2.5 s of calls: one write a second')
    breaker.recordFailure('tm')
    await breaker.check('tm')
    assert.isAtMost(writes, 5)
    assert.equal((await breaker.status('tm')).window.failures, 1)
  })

  test('a store that fails never blocks a call', async ({ assert }) => {
    const failing: CircuitStore = {
      record: () => Promise.reject(new Error('store down')),
      read: () => Promise.reject(new Error('store down')),
      open: () => Promise.reject(new Error('store down')),
      claimProbe: () => Promise.reject(new Error('store down')),
      close: () => Promise.reject(new Error('store down')),
    }
    const breaker = new CircuitBreaker({ ...options, store: failing, clock: new FakeClock(0) })
    for (let i = 0; i < 20; i++) breaker.recordFailure('tm')
    assert.isTrue((await breaker.check('tm')).allowed)
  })
})
