/**
 * The sandbox exchange's opt-in request log: one tab-separated line per
 * request (arrival, method, path and query, status, ms), appended to the
 * file it names, none of the credential's headers in it; no file without
 * the option; a path that cannot be written fails the start, named.
 */
import { test } from '@japa/runner'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'undici'
import ExchangeServer from '#sandbox/exchange_server'
import MarketSimulator from '#sandbox/market_simulator'
import { SANDBOX_CREDENTIALS } from '#connectors/sandbox/sandbox_credentials'
import { signRequest } from '#connectors/ticketevolution/signing'

const START = Date.parse('2026-03-01T12:00:00Z')

function exchange(requestLog?: string) {
  return new ExchangeServer({
    simulator: new MarketSimulator({ seed: 3, startMs: START, events: 3, listingsPerEvent: 4 }),
    clock: () => START,
    requestLog,
  })
}

async function signedGet(base: string, path: string, query: string) {
  const { token, secret } = SANDBOX_CREDENTIALS
  const signature = signRequest(secret, {
    method: 'GET',
    host: new URL(base).host,
    path,
    query,
  })
  const response = await request(`${base}${path}${query ? `?${query}` : ''}`, {
    headers: { 'x-token': token, 'x-signature': signature },
  })
  await response.body.dump()
  return response.statusCode
}

test.group('sandbox exchange: request log', (group) => {
  let dir: string
  group.each.setup(() => {
    dir = mkdtempSync(join(tmpdir(), 'hdtickets-request-log-'))
    return () => rmSync(dir, { recursive: true, force: true })
  })

  test('one line per request: arrival, method, path and query, status, ms', async ({ assert }) => {
    const file = join(dir, 'requests.log')
    const server = exchange(file)
    const { url } = await server.start()
    const before = Date.now()
    const event = server.simulator.events()[0]
    assert.equal(await signedGet(url, `/v9/events/${event.id}`, ''), 200)
    assert.equal(await signedGet(url, '/v9/listings', `event_id=${event.id}`), 200)
    const unsigned = await request(`${url}/v9/listings?event_id=${event.id}`)
    await unsigned.body.dump()
    assert.equal(unsigned.statusCode, 401)
    await server.stop()

    const lines = readFileSync(file, 'utf8').trimEnd().split('\n')
    assert.lengthOf(lines, 3)
    const fields = lines.map((line) => line.split('\t'))
    assert.deepEqual(
      fields.map(([, method, target, status]) => [method, target, status]),
      [
        ['GET', `/v9/events/${event.id}`, '200'],
        ['GET', `/v9/listings?event_id=${event.id}`, '200'],
        ['GET', `/v9/listings?event_id=${event.id}`, '401'],
      ]
    )
    for (const [at, , , , ms] of fields) {
      assert.isAtLeast(Number(at), before)
      assert.isAtMost(Number(at), Date.now())
      assert.isAtLeast(Number(ms), 0)
    }
    assert.notInclude(readFileSync(file, 'utf8'), SANDBOX_CREDENTIALS.token)
  })

  test('appends to a log that exists (a restarted exchange keeps the earlier lines)', async ({
    assert,
  }) => {
    const file = join(dir, 'requests.log')
    writeFileSync(file, '1\tGET\t/v9/events\t200\t0.5\n')
    const server = exchange(file)
    const { url } = await server.start()
    await signedGet(url, '/v9/events', 'page=1')
    await server.stop()
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n')
    assert.lengthOf(lines, 2)
    assert.equal(lines[1].split('\t')[2], '/v9/events?page=1')
  })

  test('no log unless asked for', async ({ assert }) => {
    const server = exchange()
    const { url } = await server.start()
    await signedGet(url, '/v9/events', '')
    await server.stop()
    assert.isFalse(existsSync(join(dir, 'requests.log')))
  })

  test('a log that cannot be written fails the start, naming the file', async ({ assert }) => {
    const file = join(dir, 'missing-folder', 'requests.log')
    const server = exchange(file)
    await assert.rejects(() => server.start(), /sandbox request log .*missing-folder/)
    /** Nothing left listening: it can start again once the path is right. */
    assert.equal(server.url, '')
  })
})
