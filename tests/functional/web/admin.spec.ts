import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import queue from '@adonisjs/queue/services/main'
import env from '#start/env'
import User from '#models/user'
import QueueMonitor from '#services/queue_monitor'
import { recordAudit } from '#services/audit_log'
import { upsertEvent } from '#monitoring/event_catalogue'
import { createUser } from '#tests/helpers/users'
import { createPlatform, normalisedEvent } from '#tests/helpers/market'
import SharedCircuitStore from '#connectors/shared_circuit_store'
import { CircuitBreaker } from '#connectors/transport/circuit_breaker'
import connectorsConfig from '#config/connectors'

const driver = env.get('QUEUE_DRIVER', 'database')

/**
 * A job that really failed, through the driver in use: pushed, taken by a
 * worker id, failed with a reason and kept (as the queue config keeps them).
 */
async function failedJob(queueName: string, reason: string) {
  made.add(queueName)
  const adapter = queue.use()
  const id = randomUUID()
  await adapter.pushOn(queueName, {
    id,
    name: 'CheckTicketAvailability',
    payload: { sourceId: 1 },
    attempts: 0,
  })
  adapter.setWorkerId(`monitor-test-${randomUUID()}`)
  const taken = await adapter.popFrom(queueName)
  if (taken?.id !== id) throw new Error('the test job was not the one taken')
  await adapter.failJob(id, queueName, new Error(reason), { age: '1h', count: 100 })
  return id
}

/** The test queues are removed afterwards (Redis keeps them across runs otherwise). */
const made = new Set<string>()
async function forgetQueues() {
  for (const name of made) {
    if (driver === 'redis') {
      const redis = (await import('@adonisjs/redis/services/main')).default
      const keys = QueueMonitor.keys(name)
      await redis.connection('main').del(...Object.values(keys))
    } else {
      await db.from('queue_jobs').where('queue', name).delete()
    }
  }
  made.clear()
}

test.group(`Admin queue monitor (${driver} driver)`, (group) => {
  group.each.setup(async () => {
    await User.query().delete()
    return forgetQueues
  })

  test('shows jobs by queue and state, and the failed ones with their reason', async ({
    client,
    assert,
  }) => {
    const queueName = `monitor-${randomUUID().slice(0, 8)}`
    const jobId = await failedJob(queueName, 'Sandbox exchange answered 503')
    await queue.use().pushOn(queueName, {
      id: randomUUID(),
      name: 'CheckTicketAvailability',
      payload: {},
      attempts: 0,
    })
    const manager = await createUser('manager')

    const response = await client.get('/admin/queue').loginAs(manager).withInertia()
    response.assertStatus(200)
    assert.equal(response.body().component, 'admin/queue')
    const props = response.body().props
    assert.equal(props.driver, driver)
    const row = props.queues.find((item: any) => item.queue === queueName)
    assert.deepEqual(row, { queue: queueName, waiting: 1, delayed: 0, active: 0, failed: 1 })
    for (const known of ['purchases', 'default', 'checks'])
      assert.isOk(
        props.queues.find((item: any) => item.queue === known),
        known
      )
    const failed = props.failed.find((item: any) => item.id === jobId)
    assert.equal(failed.queue, queueName)
    assert.equal(failed.name, 'CheckTicketAvailability')
    assert.equal(failed.error, 'Sandbox exchange answered 503')
    assert.match(failed.failedAt, /^\d{4}-\d\d-\d\dT/)
  })

  test('retrying a failed job puts it back to waiting, once, and audits it', async ({
    client,
    assert,
  }) => {
    const queueName = `retry-${randomUUID().slice(0, 8)}`
    const jobId = await failedJob(queueName, 'boom')
    const admin = await createUser('admin')

    const response = await client
      .post('/admin/queue/retry')
      .json({ queue: queueName, id: jobId })
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    const after = await new QueueMonitor().overview()
    assert.deepEqual(
      after.queues.find((row) => row.queue === queueName),
      { queue: queueName, waiting: 1, delayed: 0, active: 0, failed: 0 }
    )
    assert.isUndefined(after.failed.find((job) => job.id === jobId))

    /** The job is really back: a worker takes it, with its attempts reset. */
    const adapter = queue.use()
    adapter.setWorkerId(`monitor-test-${randomUUID()}`)
    const taken = await adapter.popFrom(queueName)
    assert.equal(taken?.id, jobId)
    assert.equal(taken?.attempts, 0)

    const audit = await db.from('audit_logs').where({ action: 'queue.retry', subject_id: jobId })
    assert.lengthOf(audit, 1)
    assert.equal(audit[0].actor_id, admin.id)

    /** Retrying again: nothing failed by that id any more — a clear 404, nothing changed. */
    const again = await client
      .post('/admin/queue/retry')
      .json({ queue: queueName, id: jobId })
      .loginAs(admin)
      .withCsrfToken()
      .header('accept', 'application/json')
    again.assertStatus(404)
  })

  test('retry all re-queues every failed job of one queue only', async ({ client, assert }) => {
    const queueName = `all-${randomUUID().slice(0, 8)}`
    const other = `other-${randomUUID().slice(0, 8)}`
    await failedJob(queueName, 'first')
    await failedJob(queueName, 'second')
    await failedJob(other, 'untouched')
    const manager = await createUser('manager')
    const response = await client
      .post('/admin/queue/retry')
      .json({ queue: queueName })
      .loginAs(manager)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    const after = await new QueueMonitor().overview()
    assert.deepInclude(after.queues, {
      queue: queueName,
      waiting: 2,
      delayed: 0,
      active: 0,
      failed: 0,
    })
    assert.deepInclude(after.queues, { queue: other, waiting: 0, delayed: 0, active: 0, failed: 1 })
  })

  test('a retry without a queue is refused, naming the field', async ({ client }) => {
    const admin = await createUser('admin')
    const response = await client
      .post('/admin/queue/retry')
      .json({ id: 'x' })
      .loginAs(admin)
      .withCsrfToken()
      .header('accept', 'application/json')
    response.assertStatus(422)
    response.assertBodyContains({ errors: [{ field: 'queue' }] })
  })
})

test.group('Admin audit log viewer', (group) => {
  group.each.setup(async () => {
    await User.query().delete()
    await db.from('audit_logs').delete()
  })

  test('lists entries newest first, filtered by actor, action, subject and date, paginated', async ({
    client,
    assert,
  }) => {
    const admin = await createUser('admin')
    const alice = await createUser('member', { email: `alice-${Date.now()}@example.test` })
    for (let index = 0; index < 55; index++) {
      await recordAudit({
        actorId: alice.id,
        action: 'purchase.created',
        subjectType: 'purchase_request',
        subjectId: index + 1,
        toState: 'draft',
      })
    }
    await recordAudit({
      actorId: admin.id,
      action: 'user.role_changed',
      subjectType: 'user',
      subjectId: alice.id,
      fromState: 'member',
      toState: 'manager',
      reason: 'promoted',
    })
    await recordAudit({
      actorId: null,
      action: 'purchase.expired',
      subjectType: 'purchase_request',
      subjectId: 3,
    })

    const first = await client.get('/admin/audit').loginAs(admin).withInertia()
    first.assertStatus(200)
    assert.equal(first.body().component, 'admin/audit')
    const props = first.body().props
    assert.lengthOf(props.entries, 50)
    assert.equal(props.entries[0].action, 'purchase.expired')
    assert.isNull(props.entries[0].actor)
    assert.deepEqual(props.entries[1], {
      id: props.entries[1].id,
      at: props.entries[1].at,
      actor: { id: admin.id, email: admin.email, name: null },
      action: 'user.role_changed',
      subjectType: 'user',
      subjectId: String(alice.id),
      fromState: 'member',
      toState: 'manager',
      reason: 'promoted',
      ip: null,
    })
    assert.match(props.entries[1].at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/)
    assert.sameMembers(props.actions, ['purchase.created', 'purchase.expired', 'user.role_changed'])
    assert.sameMembers(props.subjectTypes, ['purchase_request', 'user'])
    assert.isString(props.nextCursor)

    const second = await client
      .get('/admin/audit')
      .qs({ before: props.nextCursor })
      .loginAs(admin)
      .withInertia()
    assert.lengthOf(second.body().props.entries, 7)
    assert.isNull(second.body().props.nextCursor)
    const ids = [...props.entries, ...second.body().props.entries].map((entry: any) => entry.id)
    assert.equal(new Set(ids).size, 57)

    const byActor = await client
      .get('/admin/audit')
      .qs({ actor: admin.email })
      .loginAs(admin)
      .withInertia()
    assert.deepEqual(
      byActor.body().props.entries.map((entry: any) => entry.action),
      ['user.role_changed']
    )
    const system = await client
      .get('/admin/audit')
      .qs({ actor: 'system' })
      .loginAs(admin)
      .withInertia()
    assert.deepEqual(
      system.body().props.entries.map((entry: any) => entry.action),
      ['purchase.expired']
    )
    const bySubject = await client
      .get('/admin/audit')
      .qs({ subjectType: 'purchase_request', subjectId: '3' })
      .loginAs(admin)
      .withInertia()
    assert.deepEqual(
      bySubject.body().props.entries.map((entry: any) => entry.action),
      ['purchase.expired', 'purchase.created']
    )
    const byAction = await client
      .get('/admin/audit')
      .qs({ action: 'purchase.created' })
      .loginAs(admin)
      .withInertia()
    assert.lengthOf(byAction.body().props.entries, 50)

    const today = new Date().toISOString().slice(0, 10)
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
    const inRange = await client
      .get('/admin/audit')
      .qs({ from: today, to: today, action: 'user.role_changed' })
      .loginAs(admin)
      .withInertia()
    assert.lengthOf(inRange.body().props.entries, 1)
    const future = await client
      .get('/admin/audit')
      .qs({ from: tomorrow })
      .loginAs(admin)
      .withInertia()
    assert.lengthOf(future.body().props.entries, 0)
  })

  test('a bad date or a forged cursor is named, with a 422, and nothing is listed from it', async ({
    client,
    assert,
  }) => {
    const admin = await createUser('admin')
    await recordAudit({
      actorId: admin.id,
      action: 'purchase.created',
      subjectType: 'purchase_request',
      subjectId: 1,
    })
    const badDate = await client
      .get('/admin/audit')
      .qs({ from: '2026-13-45' })
      .loginAs(admin)
      .withInertia()
    badDate.assertStatus(422)
    assert.equal(badDate.body().component, 'admin/audit')
    assert.property(badDate.body().props.filterErrors, 'from')
    const reversed = await client
      .get('/admin/audit')
      .qs({ from: '2026-05-02', to: '2026-05-01' })
      .loginAs(admin)
      .withInertia()
    reversed.assertStatus(422)
    assert.property(reversed.body().props.filterErrors, 'to')
    const forged = await client
      .get('/admin/audit')
      .qs({ before: 'not-a-cursor' })
      .loginAs(admin)
      .withInertia()
    forged.assertStatus(422)
    assert.match(forged.body().props.filterErrors.before, /not valid/)
    assert.lengthOf(forged.body().props.entries, 0)
  })
})

test.group('Admin sources: schedules', (group) => {
  group.each.setup(async () => {
    await User.query().delete()
  })

  test('each source shows its next check time and interval', async ({ client, assert }) => {
    const manager = await createUser('manager')
    const platform = await createPlatform()
    const { sourceId } = await upsertEvent(platform.id, normalisedEvent({ name: 'Scheduled Game' }))
    const next = new Date(Date.now() + 5 * 60_000)
    await db
      .from('event_sources')
      .where('id', sourceId)
      .update({ next_check_at: next, check_interval_ms: 300_000 })

    const response = await client.get('/admin/sources').loginAs(manager).withInertia()
    response.assertStatus(200)
    const row = response.body().props.schedules.find((item: any) => item.id === sourceId)
    assert.equal(row.eventName, 'Scheduled Game')
    assert.equal(row.state, 'active')
    assert.equal(row.intervalMs, 300_000)
    assert.equal(row.nextCheckAt, next.toISOString())
    assert.isAtLeast(response.body().props.scheduledTotal, 1)
  })
})

test.group('Admin sources: circuits', (group) => {
  group.each.setup(async () => {
    await User.query().delete()
  })

  test('a platform whose circuit a worker opened shows as open, with the time to its probe', async ({
    client,
    assert,
    cleanup,
  }) => {
    const manager = await createUser('manager')
    const platform = await createPlatform()
    /** A worker elsewhere: its own breaker, the deployment's limiter store. */
    const worker = new CircuitBreaker({
      ...connectorsConfig.breaker,
      store: new SharedCircuitStore({ windowMs: connectorsConfig.breaker.windowMs }),
    })
    cleanup(() => worker.reset(platform.slug))
    for (let i = 0; i < 4; i++) worker.recordSuccess(platform.slug)
    for (let i = 0; i < 6; i++) worker.recordFailure(platform.slug)
    assert.isFalse((await worker.check(platform.slug)).allowed)

    const response = await client.get('/admin/sources').loginAs(manager).withInertia()
    response.assertStatus(200)
    const row = response.body().props.platforms.find((item: any) => item.id === platform.id)
    assert.equal(row.circuit.state, 'open')
    assert.isAbove(row.circuit.retryInSeconds, 20)
    assert.isAtMost(row.circuit.retryInSeconds, 30)

    await worker.reset(platform.slug)
    const after = await client.get('/admin/sources').loginAs(manager).withInertia()
    const closed = after.body().props.platforms.find((item: any) => item.id === platform.id)
    assert.deepEqual(closed.circuit, {
      state: 'closed',
      retryInSeconds: null,
      calls: 0,
      failures: 0,
    })
  })
})
