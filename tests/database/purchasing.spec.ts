/**
 * Purchasing against a real database (SQLite, MariaDB, PostgreSQL) and the
 * sandbox exchange, through the real Ticket Evolution connector: criteria,
 * caps and permissions; execution end to end; retries and reconciliation;
 * 50-way concurrency; a real worker process killed after the platform
 * accepted the order; purchase assist and manual purchases.
 * (One file so `--files purchasing` runs all of it.)
 */
import { test } from '@japa/runner'
import { spawn, type ChildProcess } from 'node:child_process'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import Event from '#models/event'
import type User from '#models/user'
import ApiException from '#exceptions/api_exception'
import PurchaseService from '#purchasing/purchase_service'
import PurchaseExecutor from '#purchasing/executor'
import PurchaseAssistService from '#purchasing/purchase_assist'
import BudgetService from '#purchasing/budgets'
import emitter from '@adonisjs/core/services/emitter'
import { reconcileOpenOrders } from '#purchasing/order_reconciliation'
import { platformSuccessRates, accountSuccessRates } from '#purchasing/success_rates'
import ProcessPurchaseRequests from '#jobs/process_purchase_requests'
import { createWorker } from '#services/embedded_worker'
import { encryptSecret } from '#security/secrets'
import { createUser } from '#tests/helpers/users'
import { createPlatform } from '#tests/helpers/market'
import { seedPlatforms, startTestSandbox } from '#tests/helpers/sandbox'
import {
  linkSandboxAccount,
  refreshMarket,
  resetPurchasing,
  sandboxCredentials,
  sandboxListing,
  sandboxOrdersFor,
  type TestSandbox,
} from '#tests/helpers/purchasing'
import { waitFor } from '#tests/helpers/wait'

const DB = env.get('DB_CONNECTION', 'sqlite')
const noDispatch = async () => {}

/** Runs `fn` and returns the ApiException it threw (fails the test when it does not throw one). */
async function refusal(fn: () => Promise<unknown>): Promise<ApiException> {
  try {
    await fn()
  } catch (error) {
    if (error instanceof ApiException) return error
    throw error
  }
  throw new Error('expected a refusal')
}

async function count(table: string, where: Record<string, unknown> = {}) {
  const row = await db.from(table).where(where).count('* as total').first()
  return Number(row?.total ?? 0)
}

async function requestRow(id: number) {
  return db.from('purchase_requests').where('id', id).first()
}

async function buyer(role: User['role'] = 'member') {
  const user = await createUser(role)
  if (role !== 'viewer') await linkSandboxAccount(user)
  return user
}

test.group(`Purchase requests: criteria, caps and permissions (${DB})`, (group) => {
  let sandbox: TestSandbox
  group.setup(async () => {
    await seedPlatforms()
    sandbox = await startTestSandbox()
    return () => sandbox.stop()
  })
  group.each.setup(async () => {
    await resetPurchasing()
  })

  test('a member requests a listing: pending approval, audited, idempotent by key', async ({
    assert,
  }) => {
    const user = await buyer()
    const { listingId } = await sandboxListing(sandbox, { quantity: 6, retailCents: 12_000 })
    const service = new PurchaseService({ dispatch: noDispatch })
    const { request, replayed } = await service.create(user, {
      listingId,
      quantity: 2,
      idempotencyKey: 'web-form-1',
    })
    assert.isFalse(replayed)
    assert.equal(request.status, 'pending_approval')
    assert.equal(
      request.max_price_minor,
      12_000,
      'the maximum defaults to the current all-in price'
    )
    assert.equal(request.quoted_unit_minor, 12_000)
    assert.equal(request.active_key, `${user.id}:${listingId}`)
    assert.equal(request.idempotency_key, `hdt-u${user.id}-web-form-1`)

    const again = await service.create(user, {
      listingId,
      quantity: 2,
      idempotencyKey: 'web-form-1',
    })
    assert.isTrue(again.replayed)
    assert.equal(again.request.id, request.id)
    const conflict = await refusal(() =>
      service.create(user, { listingId, quantity: 4, idempotencyKey: 'web-form-1' })
    )
    assert.equal(conflict.code, 'E_IDEMPOTENCY_KEY_REUSED')
    assert.equal(conflict.status, 409)

    const audit = await db
      .from('audit_logs')
      .where({ subject_type: 'purchase_request', subject_id: String(request.id) })
      .orderBy('id')
    assert.deepEqual(
      audit.map((row) => [row.action, row.from_state, row.to_state, Number(row.actor_id)]),
      [
        ['purchase.created', null, 'draft', user.id],
        ['purchase.submitted', 'draft', 'pending_approval', user.id],
      ]
    )
    assert.lengthOf(sandbox.exchange.orders(), 0)
  })

  test('one active request per user and listing, held by the database; free again once terminal', async ({
    assert,
  }) => {
    const user = await buyer()
    const { listingId } = await sandboxListing(sandbox)
    const service = new PurchaseService({ dispatch: noDispatch })
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => service.create(user, { listingId, quantity: 2 }))
    )
    const created = results.filter((r) => r.status === 'fulfilled')
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[]
    assert.lengthOf(created, 1)
    assert.lengthOf(refused, 19)
    for (const r of refused) {
      assert.equal(r.reason.code, 'E_DUPLICATE_REQUEST')
      assert.equal(r.reason.status, 409)
    }
    assert.equal(await count('purchase_requests'), 1)

    const first = (created[0] as PromiseFulfilledResult<any>).value.request
    await service.cancel(user, first.id)
    assert.isNull((await requestRow(first.id)).active_key)
    const next = await service.create(user, { listingId, quantity: 2 })
    assert.equal(next.request.status, 'pending_approval')
  })

  test('bad input is refused with a clear 4xx naming the reason, and nothing is requested or ordered', async ({
    assert,
  }) => {
    const user = await buyer()
    const service = new PurchaseService({ dispatch: noDispatch })
    const small = await sandboxListing(sandbox, { quantity: 4, retailCents: 10_000 })
    const big = await sandboxListing(sandbox, { quantity: 12, retailCents: 10_000 })
    const pairs = await sandboxListing(sandbox, {
      quantity: 6,
      retailCents: 10_000,
      splitRule: 'pairs',
    })

    const cases: Array<[string, () => Promise<unknown>, string, number, string | undefined]> = [
      [
        'above the listing',
        () => service.create(user, { listingId: small.listingId, quantity: 6 }),
        'E_QUANTITY_UNAVAILABLE',
        422,
        'quantity',
      ],
      [
        'above the platform limit',
        () => service.create(user, { listingId: big.listingId, quantity: 10 }),
        'E_PLATFORM_LIMIT',
        422,
        'quantity',
      ],
      [
        'not a split',
        () => service.create(user, { listingId: pairs.listingId, quantity: 3 }),
        'E_INVALID_SPLIT',
        422,
        'quantity',
      ],
      [
        'price above the cap',
        () =>
          service.create(user, { listingId: small.listingId, quantity: 2, maxPriceMinor: 9_999 }),
        'E_PRICE_ABOVE_MAX',
        422,
        'maxPriceMinor',
      ],
      [
        'unknown listing',
        () => service.create(user, { listingId: 987_654, quantity: 2 }),
        'E_LISTING_NOT_FOUND',
        404,
        'listingId',
      ],
      [
        'bad key',
        () =>
          service.create(user, {
            listingId: small.listingId,
            quantity: 2,
            idempotencyKey: 'no spaces allowed',
          }),
        'E_VALIDATION',
        422,
        'idempotencyKey',
      ],
    ]
    for (const [label, run, code, status, field] of cases) {
      const error = await refusal(run)
      assert.equal(error.code, code, label)
      assert.equal(error.status, status, label)
      assert.equal(error.field, field, label)
    }

    /** The listing is sold out on the exchange; the next check marks it gone. */
    sandbox.exchange.simulator.removeListing(small.simListing.id)
    await refreshMarket(small.sourceId)
    const gone = await refusal(() =>
      service.create(user, { listingId: small.listingId, quantity: 2 })
    )
    assert.equal(gone.code, 'E_LISTING_GONE')
    assert.equal(gone.status, 422)

    /** Same listing, by event + platform + the platform's listing id. */
    const byRef = await refusal(() =>
      service.create(user, {
        eventId: big.eventId,
        platform: 'sandbox',
        listingRef: String(big.simListing.id),
        quantity: 9,
      })
    )
    assert.equal(byRef.code, 'E_PLATFORM_LIMIT')

    const unlinked = await createUser('member')
    const noAccount = await refusal(() =>
      service.create(unlinked, { listingId: big.listingId, quantity: 2 })
    )
    assert.equal(noAccount.code, 'E_ACCOUNT_NOT_LINKED')
    assert.equal(noAccount.field, 'platform')

    assert.equal(await count('purchase_requests'), 0)
    assert.lengthOf(sandbox.exchange.orders(), 0)
  })

  test('a platform without an order API is refused and pointed to purchase assist', async ({
    assert,
  }) => {
    const user = await buyer()
    const platform = await createPlatform()
    const event = await Event.create({
      name: 'Knicks at Nets',
      status: 'onsale',
      dateTbd: false,
      importance: 3,
    })
    const now = new Date()
    const [source] = await db
      .table('event_sources')
      .insert({
        event_id: event.id,
        platform_id: platform.id,
        external_id: 'tm-1',
        url: 'https://tickets.example.test/e/1',
        state: 'active',
        consecutive_failures: 0,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
    const sourceId = typeof source === 'object' ? source.id : source
    const [listing] = await db
      .table('listings')
      .insert({
        event_source_id: sourceId,
        event_id: event.id,
        external_id: 'l-1',
        quantity: 4,
        splits: null,
        price_minor: 5_000,
        currency: 'USD',
        status: 'available',
        first_seen_at: now,
        last_changed_at: now,
      })
      .returning('id')
    const listingId = Number(typeof listing === 'object' ? listing.id : listing)
    const error = await refusal(() =>
      new PurchaseService({ dispatch: noDispatch }).create(user, { listingId, quantity: 2 })
    )
    assert.equal(error.code, 'E_CHECKOUT_UNSUPPORTED')
    assert.equal(error.status, 422)
    assert.match(error.message, /purchase assist/)

    const link = await new PurchaseAssistService().assist(user, event.id, platform.slug)
    assert.equal(link.url, 'https://tickets.example.test/e/1')
    assert.isFalse(link.checkout)
    assert.equal(await count('purchase_requests'), 0)
  })

  test('budget caps per event and per day, counting what open requests may still spend', async ({
    assert,
  }) => {
    const user = await buyer()
    const service = new PurchaseService({ dispatch: noDispatch })
    const budgets = new BudgetService()
    const a = await sandboxListing(sandbox, { retailCents: 10_000, eventIndex: 0 })
    const b = await sandboxListing(sandbox, { retailCents: 10_000, eventIndex: 1 })

    await budgets.update(user, {
      currency: 'USD',
      perEventMinor: 15_000,
      perDayMinor: null,
      perMonthMinor: null,
      priceDriftBps: 0,
    })
    const perEvent = await refusal(() =>
      service.create(user, { listingId: a.listingId, quantity: 2 })
    )
    assert.equal(perEvent.code, 'E_BUDGET_EXCEEDED')
    assert.match(perEvent.message, /event/)

    await budgets.update(user, {
      currency: 'USD',
      perEventMinor: null,
      perDayMinor: 30_000,
      perMonthMinor: null,
      priceDriftBps: 0,
    })
    await service.create(user, { listingId: a.listingId, quantity: 2 })
    const perDay = await refusal(() =>
      service.create(user, { listingId: b.listingId, quantity: 2 })
    )
    assert.equal(perDay.code, 'E_BUDGET_EXCEEDED')
    assert.match(perDay.message, /day/)
    assert.equal(await count('purchase_requests'), 1)
    assert.equal(await count('audit_logs', { action: 'purchase.budget_changed' }), 2)

    const viewer = await createUser('viewer')
    const refusedViewer = await refusal(() =>
      budgets.update(viewer, {
        currency: 'USD',
        perEventMinor: 1,
        perDayMinor: null,
        perMonthMinor: null,
        priceDriftBps: 0,
      })
    )
    assert.equal(refusedViewer.status, 403)
  })

  test('permissions: viewers never; members only their own; managers anyone’s', async ({
    assert,
  }) => {
    const owner = await buyer()
    const other = await buyer()
    const viewer = await createUser('viewer')
    const manager = await createUser('manager')
    const { listingId } = await sandboxListing(sandbox)
    const service = new PurchaseService({ dispatch: noDispatch })
    const { request } = await service.create(owner, { listingId, quantity: 2 })

    const viewerCreates = await refusal(() => service.create(viewer, { listingId, quantity: 2 }))
    assert.equal(viewerCreates.status, 403)
    /** Another user's request is not found, exactly like a missing one (#12 item 15). */
    const missing = await refusal(() => service.approve(other, 987_654))
    const viewerApproves = await refusal(() => service.approve(viewer, request.id))
    assert.deepInclude(viewerApproves, {
      code: missing.code,
      status: 404,
      message: missing.message,
    })
    const memberApproves = await refusal(() => service.approve(other, request.id))
    assert.deepInclude(memberApproves, {
      code: missing.code,
      status: 404,
      message: missing.message,
    })
    const memberRejects = await refusal(() => service.reject(other, request.id, 'no'))
    assert.equal(memberRejects.status, 404)
    const { request: own } = await service.create(owner, {
      listingId: (await sandboxListing(sandbox)).listingId,
      quantity: 2,
    })
    await db.from('purchase_requests').where('id', own.id).update({ user_id: viewer.id })
    const viewerApprovesOwn = await refusal(() => service.approve(viewer, own.id))
    assert.equal(viewerApprovesOwn.code, 'E_FORBIDDEN')
    assert.equal(viewerApprovesOwn.status, 403)
    await db.from('purchase_requests').where('id', own.id).delete()
    const memberReads = await refusal(() => service.show(other, request.id))
    assert.equal(memberReads.status, 404)
    const memberCancels = await refusal(() => service.cancel(other, request.id))
    assert.equal(memberCancels.status, 404)
    assert.equal((await requestRow(request.id)).status, 'pending_approval')

    const approved = await service.approve(manager, request.id)
    assert.equal(approved.status, 'approved')
    assert.equal(approved.approved_by, manager.id)
    const audit = await db
      .from('audit_logs')
      .where({ action: 'purchase.approved', subject_id: String(request.id) })
      .first()
    assert.equal(Number(audit.actor_id), manager.id)
    assert.equal(audit.from_state, 'pending_approval')
    assert.equal(audit.to_state, 'approved')

    const twice = await refusal(() => service.approve(manager, request.id))
    assert.equal(twice.code, 'E_ILLEGAL_TRANSITION')
    assert.equal(twice.status, 409)

    const mine = await service.list(owner, {})
    assert.deepEqual(
      mine.data.map((r) => r.id),
      [request.id]
    )
    assert.lengthOf((await service.list(other, {})).data, 0)
    assert.equal((await refusal(() => service.list(other, { scope: 'all' }))).status, 403)
    assert.lengthOf((await service.list(manager, { scope: 'all' })).data, 1)
    assert.lengthOf(sandbox.exchange.orders(), 0)
  })

  test('where the deployment requires it, only a manager approves — the requester included', async ({
    assert,
  }) => {
    const owner = await buyer()
    const manager = await createUser('manager')
    const { listingId } = await sandboxListing(sandbox)
    const dispatched: number[] = []
    const service = new PurchaseService({
      requireManagerApproval: true,
      dispatch: async (id) => void dispatched.push(id),
    })
    const { request } = await service.create(owner, { listingId, quantity: 2 })
    const own = await refusal(() => service.approve(owner, request.id))
    assert.equal(own.code, 'E_MANAGER_APPROVAL_REQUIRED')
    assert.equal(own.status, 403)
    assert.deepEqual(dispatched, [])
    await service.approve(manager, request.id)
    assert.deepEqual(dispatched, [request.id])
  })

  test('rejection needs a reason, ends the request and is audited with it', async ({ assert }) => {
    const owner = await buyer()
    const manager = await createUser('manager')
    const { listingId } = await sandboxListing(sandbox)
    const service = new PurchaseService({ dispatch: noDispatch })
    const { request } = await service.create(owner, { listingId, quantity: 2 })
    assert.equal((await refusal(() => service.reject(manager, request.id, '  '))).field, 'reason')
    const rejected = await service.reject(manager, request.id, 'over the desk budget')
    assert.equal(rejected.status, 'cancelled')
    assert.isNull(rejected.active_key)
    const audit = await db
      .from('audit_logs')
      .where({ action: 'purchase.rejected', subject_id: String(request.id) })
      .first()
    assert.equal(audit.reason, 'over the desk budget')
    assert.equal(Number(audit.actor_id), manager.id)
  })

  test('auto-approval only when the rule has auto_purchase on and the order fits its cap', async ({
    assert,
  }) => {
    const owner = await buyer()
    const { listingId } = await sandboxListing(sandbox, { retailCents: 10_000 })
    const other = await sandboxListing(sandbox, { retailCents: 10_000 })
    const dispatched: number[] = []
    const service = new PurchaseService({ dispatch: async (id) => void dispatched.push(id) })
    const rule = async (autoPurchase: boolean, cap: number) => {
      const now = new Date()
      const [row] = await db
        .table('watch_rules')
        .insert({
          user_id: owner.id,
          name: 'r',
          filters: '{}',
          max_price_minor: cap,
          currency: 'USD',
          sections: '[]',
          triggers: '[]',
          channels: '[]',
          auto_purchase: autoPurchase,
          enabled: true,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
      return Number(typeof row === 'object' ? row.id : row)
    }
    const auto = await service.create(owner, {
      listingId,
      quantity: 2,
      ruleId: await rule(true, 12_000),
    })
    assert.equal(auto.request.status, 'approved')
    assert.deepEqual(dispatched, [auto.request.id])
    const audit = await db
      .from('audit_logs')
      .where({ action: 'purchase.auto_approved', subject_id: String(auto.request.id) })
      .first()
    assert.isNull(audit.actor_id)
    assert.match(audit.reason, /auto_purchase/)

    const tooDear = await service.create(owner, {
      listingId: other.listingId,
      quantity: 2,
      ruleId: await rule(true, 9_000),
      maxPriceMinor: 10_000,
    })
    assert.equal(tooDear.request.status, 'pending_approval')
    assert.deepEqual(dispatched, [auto.request.id])
  })

  test('requests expire after their time or when the listing disappears, each audited', async ({
    assert,
  }) => {
    const owner = await buyer()
    const a = await sandboxListing(sandbox)
    const b = await sandboxListing(sandbox)
    const service = new PurchaseService({ dispatch: noDispatch, requestTtlMs: 3_600_000 })
    const first = await service.create(owner, { listingId: a.listingId, quantity: 2 })
    const second = await service.create(owner, { listingId: b.listingId, quantity: 2 })

    assert.deepEqual(await service.expireStale(new Date()), { expired: 0 })
    sandbox.exchange.simulator.removeListing(b.simListing.id)
    await refreshMarket(b.sourceId)
    assert.deepEqual(await service.expireStale(new Date()), { expired: 1 })
    const goneRow = await requestRow(second.request.id)
    assert.equal(goneRow.status, 'expired')
    assert.equal(goneRow.failure_code, 'listing_gone')
    assert.isNull(goneRow.active_key)

    assert.deepEqual(await service.expireStale(new Date(Date.now() + 2 * 3_600_000)), {
      expired: 1,
    })
    const timedOut = await requestRow(first.request.id)
    assert.equal(timedOut.status, 'expired')
    assert.equal(timedOut.failure_code, 'timed_out')
    const audit = await db.from('audit_logs').where('action', 'purchase.expired').orderBy('id')
    assert.deepEqual(
      audit.map((row) => [row.from_state, row.to_state]),
      [
        ['pending_approval', 'expired'],
        ['pending_approval', 'expired'],
      ]
    )
    const late = await refusal(() => service.approve(owner, first.request.id))
    assert.equal(late.code, 'E_ILLEGAL_TRANSITION')
  })
})

test.group(`Purchase execution against the sandbox exchange (${DB})`, (group) => {
  let sandbox: TestSandbox
  /** The exchange lives for the whole group: count the orders each test adds. */
  let baseline = 0
  const newOrders = () => sandbox.exchange.orders().slice(baseline)
  group.setup(async () => {
    await seedPlatforms()
    sandbox = await startTestSandbox()
    return () => sandbox.stop()
  })
  group.each.setup(async () => {
    await resetPurchasing()
    sandbox.exchange.setFault(null)
    sandbox.exchange.setOrderResponse({ mode: 'normal' })
    /** Tests that inject 503s can leave the sandbox's circuit open for 30 s: start each test without it. */
    await sandbox.fresh()
    baseline = sandbox.exchange.orders().length
  })

  async function approved(options: { quantity?: number; retailCents?: number; owner?: User } = {}) {
    const owner = options.owner ?? (await buyer())
    const listing = await sandboxListing(sandbox, { retailCents: options.retailCents ?? 10_000 })
    const service = new PurchaseService({ dispatch: noDispatch })
    const { request } = await service.create(owner, {
      listingId: listing.listingId,
      quantity: options.quantity ?? 2,
    })
    await service.approve(owner, request.id)
    return { owner, listing, request: (await requestRow(request.id))!, service }
  }

  test('request → approve → job on a worker → order placed on the exchange, recorded once, success emitted', async ({
    assert,
    cleanup,
  }) => {
    const owner = await buyer()
    const listing = await sandboxListing(sandbox, { retailCents: 10_000, quantity: 8 })
    const successes: any[] = []
    cleanup(emitter.on('purchase:succeeded', (payload) => void successes.push(payload)))
    const worker = await createWorker()
    cleanup(() => worker.stop())
    worker.start(['purchases']).catch(() => {})

    const service = new PurchaseService()
    const { request } = await service.create(owner, { listingId: listing.listingId, quantity: 2 })
    await service.approve(owner, request.id)
    assert.isTrue(
      await waitFor(async () => (await requestRow(request.id)).status === 'succeeded'),
      'the worker placed the order'
    )

    const placed = sandboxOrdersFor(sandbox, request.idempotency_key)
    assert.lengthOf(placed, 1)
    assert.equal(placed[0].quantity, 2)
    assert.equal(placed[0].listingId, listing.simListing.id)
    const orders = await db.from('orders').where('purchase_request_id', request.id)
    assert.lengthOf(orders, 1)
    assert.equal(orders[0].external_order_id, String(placed[0].id))
    assert.equal(orders[0].idempotency_key, request.idempotency_key)
    assert.equal(orders[0].source, 'api')
    assert.equal(Number(orders[0].total_minor), 20_000)
    assert.equal(
      Number(orders[0].account_id),
      Number((await db.from('accounts').where('user_id', owner.id).first()).id)
    )
    assert.lengthOf(successes, 1)
    assert.equal(successes[0].requestId, request.id)
    assert.isFalse(successes[0].reconciled)

    const trail = await db
      .from('audit_logs')
      .where({ subject_type: 'purchase_request', subject_id: String(request.id) })
      .orderBy('id')
    assert.deepEqual(
      trail.map((row) => `${row.from_state ?? '∅'}→${row.to_state}`),
      [
        '∅→draft',
        'draft→pending_approval',
        'pending_approval→approved',
        'approved→executing',
        'executing→succeeded',
      ]
    )
    const [rate] = await platformSuccessRates()
    assert.equal(rate.succeeded, 1)
    assert.equal(rate.failed, 0)
    assert.lengthOf(await accountSuccessRates(), 1)
  }).timeout(60_000)

  test('the re-quote aborts when the price drifted beyond the tolerance; within it the order goes through', async ({
    assert,
    cleanup,
  }) => {
    const failures: any[] = []
    cleanup(emitter.on('purchase:failed', (payload) => void failures.push(payload)))
    const first = await approved({ retailCents: 10_000 })
    sandbox.exchange.simulator.setPrice(first.listing.simListing.id, 10_600)
    const outcome = await new PurchaseExecutor().run(first.request.id)
    assert.equal(outcome.outcome, 'failed')
    assert.equal((outcome as any).code, 'price_drift')
    const row = await requestRow(first.request.id)
    assert.equal(row.status, 'failed')
    assert.equal(row.failure_code, 'price_drift')
    assert.isNull(row.active_key)
    assert.lengthOf(newOrders(), 0)
    assert.deepEqual(
      failures.map((f) => f.code),
      ['price_drift']
    )

    const owner = await buyer()
    await new BudgetService().update(owner, {
      currency: 'USD',
      perEventMinor: null,
      perDayMinor: null,
      perMonthMinor: null,
      priceDriftBps: 1_000,
    })
    const second = await approved({ owner, retailCents: 10_000 })
    /** The user allowed 10 %, but the request's own maximum still holds: raise it through the quote, not past it. */
    await db
      .from('purchase_requests')
      .where('id', second.request.id)
      .update({ max_price_minor: 11_000 })
    sandbox.exchange.simulator.setPrice(second.listing.simListing.id, 10_500)
    const ok = await new PurchaseExecutor().run(second.request.id)
    assert.equal(ok.outcome, 'succeeded')
    const placed = sandboxOrdersFor(sandbox, second.request.idempotency_key)
    assert.lengthOf(placed, 1)
    assert.equal(placed[0].priceCents, 10_500)
  })

  test('an order placed pending reaches its final state: reconciliation reads it back and the buyer is told', async ({
    assert,
    cleanup,
  }) => {
    const { owner, request } = await approved()
    const successes: any[] = []
    cleanup(emitter.on('purchase:succeeded', (payload) => void successes.push(payload)))
    sandbox.exchange.acceptOrdersAfter(null)
    cleanup(() => sandbox.exchange.acceptOrdersAfter(20_000))
    assert.equal((await new PurchaseExecutor().run(request.id)).outcome, 'succeeded')
    const order = await db.from('orders').where('purchase_request_id', request.id).firstOrFail()
    assert.equal(order.status, 'pending', 'placed: the seller has yet to accept')
    assert.equal(successes[0].orderStatus, 'pending')

    /** Still pending on the platform: nothing changes, nobody is told twice. */
    const first = await reconcileOpenOrders()
    assert.equal(first.unchanged, 1)
    assert.lengthOf(successes, 1)

    /** The seller accepts: the next pass records it and tells the buyer. */
    sandbox.exchange.acceptOrdersAfter(0)
    const second = await reconcileOpenOrders()
    assert.equal(second.confirmed, 1)
    assert.equal((await db.from('orders').where('id', order.id).firstOrFail()).status, 'accepted')
    assert.lengthOf(successes, 2)
    assert.equal(successes[1].orderStatus, 'accepted')
    assert.equal(successes[1].userId, owner.id)
    const audit = await db
      .from('audit_logs')
      .where({ subject_type: 'purchase_request', subject_id: String(request.id) })
      .where('action', 'order.confirmed')
    assert.lengthOf(audit, 1)

    /** Final: a later pass leaves it alone. */
    assert.equal((await reconcileOpenOrders()).checked, 0)
  })

  test('a listing gone at execution time fails the request; nothing is ordered', async ({
    assert,
  }) => {
    const { listing, request } = await approved()
    sandbox.exchange.simulator.removeListing(listing.simListing.id)
    const outcome = await new PurchaseExecutor().run(request.id)
    assert.equal(outcome.outcome, 'failed')
    assert.equal((outcome as any).code, 'listing_gone')
    assert.lengthOf(newOrders(), 0)
    assert.equal(await count('orders'), 0)
  })

  test('a refused credential is a permanent failure, with the reason', async ({ assert }) => {
    const { owner, request } = await approved()
    await db
      .from('accounts')
      .where('user_id', owner.id)
      .update({
        encrypted_credentials: encryptSecret(
          { ...sandboxCredentials, secret: 'q'.repeat(40) },
          'account.credentials'
        ),
      })
    const outcome = await new PurchaseExecutor().run(request.id)
    assert.equal(outcome.outcome, 'failed')
    assert.equal((outcome as any).code, 'credential_rejected')
    const row = await requestRow(request.id)
    assert.equal(row.status, 'failed')
    assert.match(row.reason, /credential/i)
    assert.lengthOf(newOrders(), 0)
    const attempt = await db
      .from('purchase_attempts')
      .where('purchase_request_id', request.id)
      .first()
    assert.equal(attempt.outcome, 'rejected')
  })

  test('transient failures retry with backoff, reconcile by key first, and place one order', async ({
    assert,
  }) => {
    const { request } = await approved()
    const executor = new PurchaseExecutor({ retryBaseMs: 1_000, leaseMs: 30_000 })
    sandbox.exchange.setFault(503)
    /** A fixed clock: how long the 503s take to come back must not decide whether the retry is due. */
    const t0 = new Date()
    const first = await executor.run(request.id, { now: t0 })
    assert.equal(first.outcome, 'retry')
    assert.equal((first as any).code, 'unavailable')
    assert.equal((await requestRow(request.id)).status, 'executing')
    const early = await executor.run(request.id, { now: new Date(t0.getTime() + 10) })
    assert.equal(early.outcome, 'skipped', 'the retry is not due yet')

    sandbox.exchange.setFault(null)
    const second = await executor.run(request.id, { now: new Date(t0.getTime() + 60_000) })
    assert.equal(second.outcome, 'succeeded')
    assert.lengthOf(sandboxOrdersFor(sandbox, request.idempotency_key), 1)
    const attempts = await db
      .from('purchase_attempts')
      .where('purchase_request_id', request.id)
      .orderBy('id')
    assert.deepEqual(
      attempts.map((a) => a.outcome),
      ['transient', 'placed']
    )
    assert.equal(Number((await requestRow(request.id)).attempts), 2)
  })

  test('an answer lost after the exchange accepted: the retry finds the order by its key', async ({
    assert,
  }) => {
    const { request } = await approved()
    sandbox.exchange.setOrderResponse({ mode: 'drop', count: 1 })
    const executor = new PurchaseExecutor()
    const first = await executor.run(request.id)
    assert.equal(first.outcome, 'retry')
    assert.lengthOf(
      sandboxOrdersFor(sandbox, request.idempotency_key),
      1,
      'the exchange holds the order'
    )
    assert.equal(await count('orders'), 0, 'HDTickets has not recorded it yet')

    const second = await executor.run(request.id, { now: new Date(Date.now() + 10 * 60_000) })
    assert.equal(second.outcome, 'succeeded')
    assert.isTrue((second as any).reconciled)
    assert.lengthOf(sandboxOrdersFor(sandbox, request.idempotency_key), 1)
    assert.equal(await count('orders'), 1)
    const attempts = await db
      .from('purchase_attempts')
      .where('purchase_request_id', request.id)
      .orderBy('id')
    assert.deepEqual(
      attempts.map((a) => a.outcome),
      ['transient', 'reconciled']
    )
  })

  test('after the last attempt a transient failure fails the request with the reason', async ({
    assert,
  }) => {
    const { request } = await approved()
    const executor = new PurchaseExecutor({ maxAttempts: 2, retryBaseMs: 1_000 })
    sandbox.exchange.setFault(500)
    assert.equal((await executor.run(request.id)).outcome, 'retry')
    const last = await executor.run(request.id, { now: new Date(Date.now() + 60_000) })
    assert.equal(last.outcome, 'failed')
    assert.equal((last as any).code, 'max_attempts')
    const row = await requestRow(request.id)
    assert.equal(row.status, 'failed')
    assert.match(row.reason, /gave up after 2 attempts/)
    assert.lengthOf(newOrders(), 0)
  })

  test('50 parallel approvals and 50 parallel executions of one listing give exactly one order', async ({
    assert,
  }) => {
    const owner = await buyer()
    const manager = await createUser('manager')
    const listing = await sandboxListing(sandbox, { quantity: 8 })
    const dispatched: number[] = []
    const service = new PurchaseService({ dispatch: async (id) => void dispatched.push(id) })

    const creates = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        service.create(owner, { listingId: listing.listingId, quantity: 2 })
      )
    )
    assert.lengthOf(
      creates.filter((r) => r.status === 'fulfilled'),
      1
    )
    const request = (creates.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<any>)
      .value.request

    const approvals = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => service.approve(i % 2 ? manager : owner, request.id))
    )
    assert.lengthOf(
      approvals.filter((r) => r.status === 'fulfilled'),
      1
    )
    for (const r of approvals.filter(
      (outcome) => outcome.status === 'rejected'
    ) as PromiseRejectedResult[]) {
      assert.equal(r.reason.code, 'E_ILLEGAL_TRANSITION')
    }
    assert.deepEqual(dispatched, [request.id])

    const executor = new PurchaseExecutor()
    const runs = await Promise.all(Array.from({ length: 50 }, () => executor.run(request.id)))
    assert.lengthOf(
      runs.filter((r) => r.outcome === 'succeeded'),
      1
    )
    assert.lengthOf(
      runs.filter((r) => r.outcome === 'skipped'),
      49
    )
    assert.lengthOf(newOrders(), 1)
    assert.lengthOf(sandboxOrdersFor(sandbox, request.idempotency_key), 1)
    assert.equal(await count('orders'), 1)
    assert.equal(await count('audit_logs', { action: 'purchase.approved' }), 1)
    assert.equal(await count('audit_logs', { action: 'purchase.executing' }), 1)
  }).timeout(60_000)

  test('the sweep finds approved requests never picked up and executing ones whose lease lapsed', async ({
    assert,
  }) => {
    const first = await approved()
    const second = await approved()
    const executor = new PurchaseExecutor({ leaseMs: 60_000 })
    assert.deepEqual(await executor.due(new Date()), [], 'fresh approvals are left to their jobs')
    sandbox.exchange.setFault(503)
    assert.equal((await executor.run(second.request.id)).outcome, 'retry')
    sandbox.exchange.setFault(null)
    const later = new Date(Date.now() + 10 * 60_000)
    assert.sameMembers(
      (await executor.due(later)).map((row) => row.id),
      [first.request.id, second.request.id]
    )
    assert.equal((await executor.run(first.request.id, { now: later })).outcome, 'succeeded')
    assert.equal((await executor.run(second.request.id, { now: later })).outcome, 'succeeded')
    assert.deepEqual(await executor.due(later), [])
    assert.lengthOf(newOrders(), 2)
  })

  test('many queued jobs for one approved request on a real worker: one order', async ({
    assert,
    cleanup,
  }) => {
    const { request } = await approved()
    for (let i = 0; i < 50; i++) await ProcessPurchaseRequests.dispatch({ requestId: request.id })
    const worker = await createWorker()
    cleanup(() => worker.stop())
    worker.start(['purchases']).catch(() => {})
    assert.isTrue(await waitFor(async () => (await requestRow(request.id)).status === 'succeeded'))
    assert.isTrue(
      await waitFor(
        async () =>
          Number(
            (
              await db
                .from('queue_jobs')
                .where('queue', 'purchases')
                .count('* as total')
                .first()
                .catch(() => ({ total: 0 }))
            )?.total
          ) === 0,
        20_000
      ),
      'the worker drained the queue'
    )
    assert.lengthOf(newOrders(), 1)
    assert.equal(await count('orders'), 1)
  }).timeout(60_000)
})

test.group(`Purchase execution survives a killed worker process (${DB})`, (group) => {
  let sandbox: TestSandbox
  let child: ChildProcess | null = null
  group.setup(async () => {
    await seedPlatforms()
    sandbox = await startTestSandbox()
    return async () => {
      if (child && child.exitCode === null) child.kill('SIGKILL')
      await sandbox.stop()
    }
  })
  group.each.setup(async () => {
    await resetPurchasing()
  })

  test('SIGKILL after the exchange accepted and before HDTickets recorded: the next run records the one order', async ({
    assert,
  }) => {
    const owner = await buyer()
    const listing = await sandboxListing(sandbox, { quantity: 8 })
    const service = new PurchaseService({ dispatch: noDispatch })
    const { request } = await service.create(owner, { listingId: listing.listingId, quantity: 2 })
    await service.approve(owner, request.id)

    /** The exchange commits the order, then sits on its answer. */
    sandbox.exchange.setOrderResponse({ mode: 'delay', delayMs: 120_000, count: 1 })
    let output = ''
    child = spawn(process.execPath, ['ace', 'queue:work', '--queue=purchases'], {
      cwd: app.appRoot.pathname,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        SANDBOX_URL: sandbox.exchange.url,
        EMBEDDED: 'false',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout!.on('data', (chunk) => (output += chunk))
    child.stderr!.on('data', (chunk) => (output += chunk))
    const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()))
    await ProcessPurchaseRequests.dispatch({ requestId: request.id })

    const accepted = await waitFor(
      () =>
        sandboxOrdersFor(sandbox, request.idempotency_key).length === 1 || child!.exitCode !== null,
      90_000
    )
    assert.isTrue(
      accepted && child.exitCode === null,
      `the worker process placed the order (worker output: ${output.slice(-2000)})`
    )
    child.kill('SIGKILL')
    await exited
    assert.equal(child.signalCode, 'SIGKILL')

    const crashed = await requestRow(request.id)
    assert.equal(crashed.status, 'executing', 'the worker died holding the request')
    assert.equal(await count('orders'), 0, 'and before recording the order')

    /** Once its lease has lapsed, the request is taken over (here: in this process). */
    const outcome = await new PurchaseExecutor().run(request.id, {
      now: new Date(Date.now() + 10 * 60_000),
    })
    assert.equal(outcome.outcome, 'succeeded')
    assert.isTrue((outcome as any).reconciled)
    assert.lengthOf(sandboxOrdersFor(sandbox, request.idempotency_key), 1)
    assert.lengthOf(sandbox.exchange.orders(), 1)
    const row = await requestRow(request.id)
    assert.equal(row.status, 'succeeded')
    const orders = await db.from('orders').where('idempotency_key', request.idempotency_key)
    assert.lengthOf(orders, 1)
    assert.equal(
      orders[0].external_order_id,
      String(sandboxOrdersFor(sandbox, request.idempotency_key)[0].id)
    )
  }).timeout(150_000)
})

test.group(`Purchase assist and manual purchases (${DB})`, (group) => {
  group.setup(async () => {
    await seedPlatforms()
  })
  group.each.setup(async () => {
    await resetPurchasing()
  })

  async function eventOn(slug: string, url: string | null) {
    const platform = await db.from('platforms').where('slug', slug).first()
    const event = await Event.create({
      name: 'Yankees at Red Sox',
      status: 'onsale',
      dateTbd: false,
      importance: 3,
    })
    const now = new Date()
    await db.table('event_sources').insert({
      event_id: event.id,
      platform_id: platform.id,
      external_id: `x-${event.id}`,
      url,
      state: 'active',
      consecutive_failures: 0,
      created_at: now,
      updated_at: now,
    })
    return event
  }

  test('assist opens the platform’s own event page; only http(s) pages', async ({ assert }) => {
    const user = await createUser('member')
    const event = await eventOn('ticketmaster', 'https://www.ticketmaster.com/event/G5diZfkn0B-bh')
    const link = await new PurchaseAssistService().assist(user, event.id, 'ticketmaster')
    assert.deepEqual(link, {
      eventId: event.id,
      platform: 'ticketmaster',
      platformName: 'Ticketmaster',
      url: 'https://www.ticketmaster.com/event/G5diZfkn0B-bh',
      checkout: false,
    })
    const bad = await eventOn('seatgeek', 'javascript:alert(1)')
    assert.equal(
      (await refusal(() => new PurchaseAssistService().assist(user, bad.id, 'seatgeek'))).code,
      'E_NO_EVENT_PAGE'
    )
    assert.equal(
      (await refusal(() => new PurchaseAssistService().assist(user, event.id, 'stubhub'))).status,
      404
    )
  })

  test('a manual purchase is stored as a manual order and counts toward the budget; card numbers are refused', async ({
    assert,
  }) => {
    const user = await createUser('member')
    const event = await eventOn('ticketmaster', 'https://www.ticketmaster.com/event/1')
    const assist = new PurchaseAssistService()
    const input = {
      eventId: event.id,
      platform: 'ticketmaster',
      quantity: 2,
      unitPriceMinor: 8_500,
      feesMinor: 2_300,
      currency: 'USD',
      purchasedAt: new Date(Date.now() - 1_000),
    }
    const card = await refusal(() =>
      assist.recordManualPurchase(user, { ...input, paymentReference: '4111 1111 1111 1111' })
    )
    assert.equal(card.code, 'E_CARD_NUMBER_REFUSED')
    assert.equal(card.field, 'paymentReference')
    assert.equal(card.status, 422)
    assert.equal(await count('orders'), 0)
    assert.notInclude(JSON.stringify(await db.from('audit_logs')), '4111')

    const { order } = await assist.recordManualPurchase(user, {
      ...input,
      paymentReference: 'TM 18-44821/1',
      idempotencyKey: 'receipt-1',
    })
    assert.equal(order.source, 'manual')
    assert.equal(order.totalMinor, 19_300)
    assert.equal(order.paymentReference, 'TM 18-44821/1')
    const replay = await assist.recordManualPurchase(user, {
      ...input,
      paymentReference: 'TM 18-44821/1',
      idempotencyKey: 'receipt-1',
    })
    assert.isTrue(replay.replayed)
    assert.equal(await count('orders'), 1)
    assert.equal(await count('audit_logs', { action: 'purchase.manual_recorded' }), 1)

    const future = await refusal(() =>
      assist.recordManualPurchase(user, {
        ...input,
        purchasedAt: new Date(Date.now() + 86_400_000),
      })
    )
    assert.equal(future.field, 'purchasedAt')
    const viewer = await createUser('viewer')
    assert.equal((await refusal(() => assist.recordManualPurchase(viewer, input))).status, 403)

    /** The manual spend counts: a per-event cap of 20,000 leaves 700. */
    const { spendOf } = await import('#purchasing/budgets')
    const spent = await spendOf(db.connection(), {
      userId: user.id,
      eventId: event.id,
      currency: 'USD',
      timezone: 'UTC',
      now: new Date(),
    })
    assert.deepEqual(spent, { eventMinor: 19_300, dayMinor: 19_300, monthMinor: 19_300 })
  })
})
