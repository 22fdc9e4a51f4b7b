import { test } from '@japa/runner'
import { fixtureJson } from '#tests/helpers/fixtures'
import {
  canonicalQuery,
  formEncode,
  signaturesEqual,
  signRequest,
  signString,
  stringToSign,
} from '#connectors/ticketevolution/signing'

interface Vector {
  secret: string
  string_to_sign: string
  x_signature: string
  provenance: string
}

const vectors: Vector[] = fixtureJson('ticketevolution/x-signature-test-vectors.json')

test.group('ticketevolution signing: published and computed vectors', () => {
  test('there are five vectors, the first for the old unversioned path', ({ assert }) => {
    assert.lengthOf(vectors, 5)
    assert.include(vectors[0].string_to_sign, ' api.ticketevolution.com/brokerages?')
  })

  for (const [index, vector] of vectors.entries()) {
    test(`vector ${index + 1} signs to its X-Signature`, ({ assert }) => {
      assert.equal(signString(vector.secret, vector.string_to_sign), vector.x_signature)
    })
  }

  test('vector 1 (old path) is built from its parts', ({ assert }) => {
    const toSign = stringToSign({
      method: 'get',
      host: 'api.ticketevolution.com',
      path: '/brokerages',
      query: canonicalQuery({ per_page: 1, page: 1 }),
    })
    assert.equal(toSign, vectors[0].string_to_sign)
  })

  test('vector 2 (/v9, params given unsorted) is built from its parts', ({ assert }) => {
    const req = {
      method: 'GET',
      host: 'api.ticketevolution.com',
      path: '/v9/brokerages',
      query: canonicalQuery({ per_page: 1, page: 1 }),
    }
    assert.equal(stringToSign(req), vectors[1].string_to_sign)
    assert.equal(signRequest('xyz', req), 'n+kyuaIJKFuUTkEYCdMhR3l3o9WNBbTIJE3qcniboWE=')
    assert.notEqual(signRequest('xyz', req), vectors[0].x_signature)
  })

  test('vector 3 (sandbox host, listings) is built from its parts', ({ assert }) => {
    const req = {
      method: 'GET',
      host: 'api.sandbox.ticketevolution.com',
      path: '/v9/listings',
      query: canonicalQuery({ event_id: 1591449 }),
    }
    assert.equal(signRequest('xyz', req), vectors[2].x_signature)
  })

  test('vector 4: no parameters keeps the trailing "?"', ({ assert }) => {
    const req = {
      method: 'GET',
      host: 'api.ticketevolution.com',
      path: '/v9/categories',
      query: canonicalQuery({}),
    }
    assert.equal(stringToSign(req), 'GET api.ticketevolution.com/v9/categories?')
    assert.equal(signRequest('xyz', req), vectors[3].x_signature)
  })

  test('vector 5: a POST signs the exact raw JSON body in place of the query', ({ assert }) => {
    const body = JSON.stringify({ clients: [{ name: 'Michael Starr' }] })
    const req = { method: 'POST', host: 'api.ticketevolution.com', path: '/v9/clients', body }
    assert.equal(stringToSign(req), vectors[4].string_to_sign)
    assert.equal(signRequest('xyz', req), vectors[4].x_signature)
    // one byte of whitespace changes the signature
    const spaced = JSON.stringify({ clients: [{ name: 'Michael Starr' }] }, null, 1)
    assert.notEqual(signRequest('xyz', { ...req, body: spaced }), vectors[4].x_signature)
  })
})

test.group('ticketevolution signing: canonical query', () => {
  test('sorts keys in byte order, drops nulls, encodes spaces as +', ({ assert }) => {
    const query = canonicalQuery({
      'q': 'red sox',
      'page': 2,
      'Zeta': 'x',
      'occurs_at_local': null,
      'occurs_at.gte': '2026-05-01',
      'performer_id': undefined,
    })
    // 'Z' (0x5A) < 'o' < 'p' < 'q'; '.' sorts before '_'
    assert.equal(query, 'Zeta=x&occurs_at.gte=2026-05-01&page=2&q=red+sox')
  })

  test('encodes like PHP urlencode', ({ assert }) => {
    assert.equal(formEncode("a b&c=d/é~*'()!"), 'a+b%26c%3Dd%2F%C3%A9%7E%2A%27%28%29%21')
    assert.equal(formEncode('keep-_.AZaz09'), 'keep-_.AZaz09')
  })

  test('a URLSearchParams round trip gives the same canonical string', ({ assert }) => {
    const query = canonicalQuery({ q: 'a+b c', event_id: 7, b: 'é' })
    assert.equal(canonicalQuery(new URLSearchParams(query)), query)
  })

  test('signaturesEqual compares exactly', ({ assert }) => {
    assert.isTrue(signaturesEqual(vectors[1].x_signature, vectors[1].x_signature))
    assert.isFalse(signaturesEqual(vectors[1].x_signature, vectors[0].x_signature))
    assert.isFalse(signaturesEqual(vectors[1].x_signature, vectors[1].x_signature.slice(1)))
  })
})
