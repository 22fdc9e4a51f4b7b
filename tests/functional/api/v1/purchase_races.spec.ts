/**
 * Issue #12, items 12, 13 and 15 through the HTTP doors: concurrent
 * approvals, Idempotency-Key replays, another user's request.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import BudgetService from '#purchasing/budgets'
import { createUser } from '#tests/helpers/users'
import { seedPlatforms, startTestSandbox } from '#tests/helpers/sandbox'
import {
  linkSandboxAccount,
  resetPurchasing,
  sandboxListing,
  type TestSandbox,
} from '#tests/helpers/purchasing'

async function buyerWithToken(role: User['role'] = 'member') {
  const user = await createUser(role)
  if (role !== 'viewer') await linkSandboxAccount(user)
  const abilities = role === 'viewer' ? ['read'] : ['read', 'write', 'purchase']
  return { user, token: (await User.accessTokens.create(user, abilities)).value!.release() }
}

test.group('Purchases over HTTP: races, replays, other people’s requests', (group) => {
  let sandbox: TestSandbox
  group.setup(async () => {
    await seedPlatforms()
    sandbox = await startTestSandbox()
    return () => sandbox.stop()
  })
  group.each.setup(async () => {
    await resetPurchasing()
  })

  test('20 concurrent approvals of one request: one approval, every other a clean 409 (#12 item 12)', async ({
    client,
    assert,
  }) => {
    const { user, token } = await buyerWithToken()
    /** With a budget, every approval also sums the user's spend inside its transaction. */
    await new BudgetService().update(user, {
      currency: 'USD',
      perEventMinor: 10_000_000,
      perDayMinor: 10_000_000,
      perMonthMinor: 10_000_000,
      priceDriftBps: 300,
    })
    const listing = await sandboxListing(sandbox, { quantity: 8 })
    const created = await client
      .post('/api/v1/purchases')
      .bearerToken(token)
      .json({ listingId: listing.listingId, quantity: 2 })
    created.assertStatus(201)
    const id = created.body().data.id

    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        client.post(`/api/v1/purchases/${id}/approve`).bearerToken(token)
      )
    )
    const statuses = answers.map((answer) => answer.status())
    assert.lengthOf(
      statuses.filter((status) => status === 200),
      1,
      statuses.join(',')
    )
    for (const answer of answers.filter((a) => a.status() !== 200)) {
      assert.equal(answer.status(), 409, answer.text())
      assert.equal(answer.body().errors[0].code, 'E_ILLEGAL_TRANSITION')
    }
    assert.equal(
      Number(
        (await db.from('audit_logs').where('action', 'purchase.approved').count('* as n').first()).n
      ),
      1
    )
  }).timeout(60_000)

  test('an Idempotency-Key replayed with another body is a 409 with a code (#12 item 13)', async ({
    client,
    assert,
  }) => {
    const { user, token } = await buyerWithToken()
    const listing = await sandboxListing(sandbox, { quantity: 8 })
    const body = { listingId: listing.listingId, quantity: 2 }
    const send = (json: Record<string, unknown>) =>
      client
        .post('/api/v1/purchases')
        .bearerToken(token)
        .header('Idempotency-Key', 'k-13')
        .json(json)
    const first = await send(body)
    first.assertStatus(201)
    const same = await send(body)
    same.assertStatus(200)
    assert.equal(same.body().data.id, first.body().data.id)
    for (const other of [
      { ...body, quantity: 4 },
      { ...body, maxPriceMinor: 1 },
      { ...body, maxPriceMinor: 9_999_999 },
    ]) {
      const replay = await send(other)
      assert.equal(replay.status(), 409, JSON.stringify(other))
      assert.equal(replay.body().errors[0].code, 'E_IDEMPOTENCY_KEY_REUSED')
      assert.equal(replay.body().errors[0].field, 'idempotencyKey')
    }
    assert.lengthOf(await db.from('purchase_requests').where('user_id', user.id), 1)
  })

  test("another user's request answers 404, exactly like a missing one, at every door (#12 item 15)", async ({
    client,
    assert,
  }) => {
    const owner = await buyerWithToken()
    const stranger = await buyerWithToken()
    const listing = await sandboxListing(sandbox, { quantity: 8 })
    const created = await client
      .post('/api/v1/purchases')
      .bearerToken(owner.token)
      .json({ listingId: listing.listingId, quantity: 2 })
    const id = created.body().data.id
    for (const [method, path] of [
      ['get', ''],
      ['post', '/approve'],
      ['post', '/reject'],
      ['post', '/cancel'],
    ] as const) {
      const send = (target: number) => {
        const request = (client as any)
          [method](`/api/v1/purchases/${target}${path}`)
          .bearerToken(stranger.token)
        return path === '/reject' ? request.json({ reason: 'no' }) : request
      }
      const theirs = await send(id)
      const missing = await send(987_654)
      assert.equal(theirs.status(), 404, `${method} ${path}: ${theirs.text()}`)
      assert.deepEqual(theirs.body(), missing.body(), `${method} ${path}`)
    }
    const page = await client
      .post(`/purchases/${id}/approve`)
      .loginAs(stranger.user)
      .withCsrfToken()
      .withInertia()
      .redirects(0)
    assert.equal(page.status(), 404)
    assert.equal(
      (await db.from('purchase_requests').where('id', id).first()).status,
      'pending_approval'
    )
  })
})
