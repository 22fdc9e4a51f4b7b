import { createHmac } from 'node:crypto'
import { test } from '@japa/runner'
import {
  computeSignature,
  generateWebhookSecret,
  parseSignatureHeader,
  signPayload,
  verifySignature,
} from '#notifications/signature'

const secret = 'whsec_test_0123456789abcdef'
const body =
  '{"version":1,"id":"n1:c1","type":"price_alert","created_at":"2026-03-14T18:02:11.000Z","data":{}}'
const t = 1_773_511_331
const at = new Date(t * 1000)

test.group('Webhook signatures', () => {
  test('t=<unix>,v1=<hex HMAC-SHA256(secret, t.body)>', ({ assert }) => {
    const header = signPayload(secret, body, t)
    assert.match(header, /^t=1773511331,v1=[0-9a-f]{64}$/)
    // Independent computation of the documented formula
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')
    assert.equal(header, `t=${t},v1=${expected}`)
    assert.equal(computeSignature(secret, t, Buffer.from(body)), expected)
  })

  test('verifies the exact body; a tampered body, another secret or a stale timestamp fail', ({
    assert,
  }) => {
    const header = signPayload(secret, body, t)
    assert.deepEqual(verifySignature(header, body, secret, { now: at }), { ok: true, timestamp: t })
    assert.deepEqual(verifySignature(header, Buffer.from(body), secret, { now: at }), {
      ok: true,
      timestamp: t,
    })
    assert.deepEqual(
      verifySignature(header, body.replace('price_alert', 'ticket_available'), secret, { now: at }),
      {
        ok: false,
        reason: 'no_matching_signature',
      }
    )
    assert.deepEqual(verifySignature(header, body, 'whsec_other_secret_value', { now: at }), {
      ok: false,
      reason: 'no_matching_signature',
    })
    assert.deepEqual(verifySignature(header, body, secret, { now: new Date((t + 301) * 1000) }), {
      ok: false,
      reason: 'timestamp_outside_tolerance',
    })
    assert.isTrue(
      verifySignature(header, body, secret, {
        now: new Date((t + 301) * 1000),
        toleranceSeconds: 600,
      }).ok
    )
  })

  test('several v1 entries (secret rotation): any match verifies; malformed headers are refused', ({
    assert,
  }) => {
    const header = signPayload(['whsec_new_secret_value_1', secret], body, t)
    assert.lengthOf(parseSignatureHeader(header)!.signatures, 2)
    assert.isTrue(verifySignature(header, body, secret, { now: at }).ok)
    assert.isTrue(
      verifySignature(header, body, ['nope-nope-nope-nope', 'whsec_new_secret_value_1'], {
        now: at,
      }).ok
    )
    for (const bad of [
      '',
      'v1=abc',
      `t=${t}`,
      `t=abc,v1=${'0'.repeat(64)}`,
      `t=${t},v1=xyz`,
      `t=${t},t=${t},v1=${'0'.repeat(64)}`,
    ]) {
      const result = verifySignature(bad, body, secret, { now: at })
      assert.isFalse(result.ok, bad)
    }
    assert.deepEqual(verifySignature(undefined, body, secret), { ok: false, reason: 'missing' })
    // Unknown future schemes are ignored, not fatal
    assert.isTrue(verifySignature(`${header},v2=whatever`, body, secret, { now: at }).ok)
  })

  test('secrets are random, prefixed and long enough', ({ assert }) => {
    const a = generateWebhookSecret()
    const b = generateWebhookSecret()
    assert.notEqual(a, b)
    assert.match(a, /^whsec_[A-Za-z0-9_-]{43}$/)
    assert.throws(() => signPayload('', body, t))
    assert.throws(() => signPayload(secret, body, -1))
  })
})
