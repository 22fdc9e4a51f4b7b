/**
 * Issue #12, item 10: a Content-Security-Policy with a per-request nonce,
 * Referrer-Policy and the other security headers on every response — pages,
 * the API and the 404 page of a path no route matches.
 */
import { test } from '@japa/runner'
import { createUser } from '#tests/helpers/users'

function assertHeaders(assert: any, response: any, where: string) {
  const csp = response.header('content-security-policy') ?? ''
  assert.match(csp, /script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}'/, where)
  assert.include(csp, "object-src 'none'", where)
  assert.include(csp, "frame-ancestors 'none'", where)
  assert.notMatch(csp, /script-src[^;]*unsafe-inline/, where)
  assert.equal(response.header('referrer-policy'), 'same-origin', where)
  assert.equal(response.header('x-frame-options'), 'DENY', where)
  assert.equal(response.header('x-content-type-options'), 'nosniff', where)
}

test.group('Security headers (#12 item 10)', () => {
  test('pages carry the policy, and their script tags the same fresh nonce', async ({
    client,
    assert,
  }) => {
    const user = await createUser('member')
    const first = await client.get('/').loginAs(user)
    const second = await client.get('/').loginAs(user)
    assertHeaders(assert, first, 'dashboard')
    const nonce = /'nonce-([^']+)'/.exec(first.header('content-security-policy') ?? '')![1]
    assert.notEqual(
      nonce,
      /'nonce-([^']+)'/.exec(second.header('content-security-policy') ?? '')![1]
    )
    const scripts = [...first.text().matchAll(/<script\b[^>]*>/g)].map((m) => m[0])
    const executable = scripts.filter((tag) => !/type="application\/json"/.test(tag))
    assert.isNotEmpty(executable)
    for (const tag of executable) assert.include(tag, `nonce="${nonce}"`, tag)
  })

  test('the 404 page of an unknown path, the log-in page and the API carry them too', async ({
    client,
    assert,
  }) => {
    const missing = await client.get('/no-such-page')
    assert.equal(missing.status(), 404)
    assertHeaders(assert, missing, '404 page')
    assertHeaders(assert, await client.get('/login'), 'log-in page')
    assertHeaders(assert, await client.get('/api/v1/openapi.json'), 'API')
    assertHeaders(assert, await client.get('/api/v1/nothing-here'), 'API 404')
  })
})
