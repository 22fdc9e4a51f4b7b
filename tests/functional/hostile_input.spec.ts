/**
 * Issue #12, items 7 and 8: hostile query strings and impossible dates are
 * refused with a 422 naming the parameter, and nothing is stored.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { createUser } from '#tests/helpers/users'
import { parseInstant } from '#validators/day'

async function writerToken() {
  const member = await createUser('member')
  return {
    member,
    token: (await User.accessTokens.create(member, ['read', 'write'])).value!.release(),
  }
}

test.group('Hostile query parameters (#12 item 7)', () => {
  test('sort by a prototype name is a 422 naming "sort", on every list', async ({
    client,
    assert,
  }) => {
    const { token } = await writerToken()
    for (const list of ['/watch-rules', '/tickets', '/alerts', '/purchases', '/notifications'])
      for (const sort of ['__proto__', 'constructor', '-toString', 'hasOwnProperty']) {
        const response = await client.get(`/api/v1${list}?sort=${sort}`).bearerToken(token)
        assert.equal(response.status(), 422, `${list}?sort=${sort}: ${response.text()}`)
        assert.equal(response.body().errors[0].field, 'sort')
      }
  })

  test('an undocumented query parameter is a 422 naming it, on lists and on other reads', async ({
    client,
    assert,
  }) => {
    const { token } = await writerToken()
    for (const url of [
      '/watch-rules?constructor=1',
      '/tickets?__proto__=1',
      '/me?constructor=1',
      '/notifications/preferences?toString=1',
      '/tokens?unknown=1',
    ]) {
      const response = await client.get(`/api/v1${url}`).bearerToken(token)
      assert.equal(response.status(), 422, `${url}: ${response.text()}`)
      assert.equal(response.body().errors[0].code, 'E_UNKNOWN_FIELD')
      assert.equal(response.body().errors[0].field, url.split('?')[1].split('=')[0])
    }
  })

  test('a body field named like a prototype property is unknown too', async ({
    client,
    assert,
  }) => {
    const { member, token } = await writerToken()
    const response = await client
      .post('/api/v1/watch-rules')
      .bearerToken(token)
      .json({ name: 'x', triggers: [{ kind: 'available' }], constructor: 1 })
    assert.equal(response.status(), 422)
    assert.equal(response.body().errors[0].field, 'constructor')
    assert.lengthOf(await db.from('watch_rules').where('user_id', member.id), 0)
  })
})

test.group('Impossible dates (#12 item 8)', () => {
  test('parseInstant takes real dates and times only', ({ assert }) => {
    assert.equal(parseInstant('2028-02-29')!.toISOString(), '2028-02-29T00:00:00.000Z')
    assert.equal(parseInstant('2026-03-01T19:30')!.toISOString(), '2026-03-01T19:30:00.000Z')
    assert.equal(
      parseInstant('2026-03-01T19:30:00+02:00')!.toISOString(),
      '2026-03-01T17:30:00.000Z'
    )
    for (const bad of [
      '2026-02-30',
      '2026-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-04-31',
      '2026-03-01T24:00',
      '2026-03-01T10:60',
      '2026-03-01T10:00+15:00',
      '01/03/2026',
      'yesterday',
      '',
    ])
      assert.isNull(parseInstant(bad), bad)
  })

  test('a watch rule with an impossible filter date is refused, naming it; nothing stored', async ({
    client,
    assert,
  }) => {
    const { member, token } = await writerToken()
    const response = await client
      .post('/api/v1/watch-rules')
      .bearerToken(token)
      .json({
        name: 'Feb',
        filters: { league: 'NBA', from: '2026-02-30' },
        triggers: [{ kind: 'available' }],
      })
    assert.equal(response.status(), 422, response.text())
    assert.equal(response.body().errors[0].field, 'filters.from')
    assert.lengthOf(await db.from('watch_rules').where('user_id', member.id), 0)
  })

  test('a manual purchase on 30 February is refused, naming purchasedAt; nothing stored', async ({
    client,
    assert,
  }) => {
    const member = await createUser('member')
    const response = await client
      .post('/purchases/manual')
      .loginAs(member)
      .withCsrfToken()
      .header('accept', 'application/json')
      .json({
        eventId: 1,
        platform: 'sandbox',
        quantity: 2,
        unitPriceMinor: 1000,
        feesMinor: 0,
        currency: 'USD',
        purchasedAt: '2026-02-30T19:00',
      })
    assert.equal(response.status(), 422, response.text())
    assert.include(
      response.body().errors.map((error: any) => error.field),
      'purchasedAt'
    )
    assert.lengthOf(await db.from('purchase_requests').where('user_id', member.id), 0)
  })

  test('list filters with impossible dates are 422s naming them', async ({ client, assert }) => {
    const { member, token } = await writerToken()
    const api = await client.get('/api/v1/tickets?from=2026-02-30').bearerToken(token)
    assert.equal(api.status(), 422)
    assert.equal(api.body().errors[0].field, 'from')
    const page = await client
      .get('/purchases?to=2026-13-01')
      .loginAs(member)
      .header('accept', 'application/json')
    assert.equal(page.status(), 422)
    assert.equal(page.body().errors[0].field, 'to')
  })
})
