/**
 * The scaled bench's reading of the sandbox's request log: checks are the
 * answered listings fetches, and a pair's fetch that came before its
 * interval (less the slack) had run out since the previous one is a pair
 * checked twice within its interval.
 */
import { test } from '@japa/runner'
import { earlyRechecks, marketFetches, parseRequestLog } from '#bench/request_log'

const line = (at: number, target: string, status = 200, method = 'GET') =>
  `${at}\t${method}\t${target}\t${status}\t1.5`

test.group('bench request log', () => {
  test('parses the five fields; a torn or foreign line is counted, not kept', ({ assert }) => {
    const { requests, malformed } = parseRequestLog(
      [
        line(1000, '/v9/listings?event_id=7'),
        line(1001, '/v9/events/7', 0),
        'not a log line',
        '1002\tGET\t/v9/lis',
        '',
      ].join('\n')
    )
    assert.deepEqual(requests, [
      { at: 1000, method: 'GET', target: '/v9/listings?event_id=7', status: 200, ms: 1.5 },
      { at: 1001, method: 'GET', target: '/v9/events/7', status: 0, ms: 1.5 },
    ])
    assert.equal(malformed, 2)
  })

  test('market fetches: answered listings requests per event, in time order, in a window', ({
    assert,
  }) => {
    const { requests } = parseRequestLog(
      [
        line(3000, '/v9/listings?event_id=7'),
        line(1000, '/v9/listings?event_id=7'),
        line(1500, '/v9/events/7'),
        line(2000, '/v9/listings?event_id=8', 0),
        line(2100, '/v9/listings?event_id=8', 503),
        line(2200, '/v9/listings?event_id=8'),
        line(2300, '/v9/orders', 200, 'POST'),
        line(9000, '/v9/listings?event_id=7'),
      ].join('\n')
    )
    assert.deepEqual(Object.fromEntries(marketFetches(requests)), {
      7: [1000, 3000, 9000],
      8: [2200],
    })
    assert.deepEqual(Object.fromEntries(marketFetches(requests, { from: 1000, to: 9000 })), {
      7: [1000, 3000],
      8: [2200],
    })
  })

  test('a fetch before the interval (less the slack) ran out is a pair checked twice', ({
    assert,
  }) => {
    const fetches = new Map([
      /** 10 s interval: 9.5 s later is within the slack, 3 s later is a second check */
      ['7', [0, 9_500, 12_500]],
      /** on time */
      ['8', [0, 10_000, 20_000]],
      /** no interval known: not judged */
      ['9', [0, 1]],
    ])
    const intervals = new Map([
      ['7', 10_000],
      ['8', 10_000],
    ])
    assert.deepEqual(
      earlyRechecks(fetches, (ref) => intervals.get(ref), 1_000),
      [{ ref: '7', at: 12_500, gapMs: 3_000, intervalMs: 10_000 }]
    )
    assert.lengthOf(
      earlyRechecks(fetches, (ref) => intervals.get(ref), 0),
      2,
      'without slack, 9.5 s after a 10 s interval counts too'
    )
  })
})
