/**
 * What the sandbox exchange's request log (`sandbox:serve --request-log`,
 * sandbox/exchange_server.ts) says about the checks that
 * reached it: pure functions, data in, data out (the scaled bench reads the
 * file and the intervals, tests/unit/bench/request_log.spec.ts holds these).
 *
 * A check of a sandbox pair fetches its event and its listings; the
 * listings request (`GET /v9/listings?event_id=<ref>`) is counted as the
 * check. A request that was not answered 200 (the client went away, a 5xx)
 * is the transport's to retry within the same check, so only answered ones
 * count.
 */

export interface LoggedRequest {
  /** Arrival, ms since the epoch */
  at: number
  method: string
  /** Path and query */
  target: string
  /** 0: the client went away before the answer */
  status: number
  ms: number
}

/** The log's lines; a line that is not five tab-separated fields (a torn last line) is counted, not kept. */
export function parseRequestLog(text: string) {
  const requests: LoggedRequest[] = []
  let malformed = 0
  for (const line of text.split('\n')) {
    if (line === '') continue
    const fields = line.split('\t')
    const at = Number(fields[0])
    const status = Number(fields[3])
    const ms = Number(fields[4])
    if (
      fields.length !== 5 ||
      !Number.isFinite(at) ||
      !Number.isInteger(status) ||
      !Number.isFinite(ms)
    ) {
      malformed++
      continue
    }
    requests.push({ at, method: fields[1], target: fields[2], status, ms })
  }
  return { requests, malformed }
}

const LISTINGS = /^\/v9\/listings\?(?:.*&)?event_id=([^&]+)/

/**
 * The answered market fetches (one per check) per event reference, in time
 * order, arrived within [from, to) when given.
 */
export function marketFetches(
  requests: readonly LoggedRequest[],
  window: { from?: number; to?: number } = {}
): Map<string, number[]> {
  const from = window.from ?? -Infinity
  const to = window.to ?? Infinity
  const byRef = new Map<string, number[]>()
  for (const request of requests) {
    if (request.method !== 'GET' || request.status !== 200) continue
    if (request.at < from || request.at >= to) continue
    const match = LISTINGS.exec(request.target)
    if (!match) continue
    const ref = decodeURIComponent(match[1])
    let times = byRef.get(ref)
    if (!times) byRef.set(ref, (times = []))
    times.push(request.at)
  }
  for (const times of byRef.values()) times.sort((a, b) => a - b)
  return byRef
}

export interface EarlyRecheck {
  ref: string
  /** When the second fetch arrived */
  at: number
  gapMs: number
  intervalMs: number
}

/**
 * Pairs checked twice within their interval: each fetch that came sooner
 * after the previous fetch of the same pair than the pair's check interval
 * allows. `intervalOf` gives the shortest interval the pair had while it was
 * checked (unknown: the pair is not judged); `slackMs` is what a legitimate
 * re-check may come early by, as seen from the exchange: a check's interval
 * runs from the moment its job started, and its fetch reaches the exchange
 * a little later than that.
 */
export function earlyRechecks(
  fetches: ReadonlyMap<string, readonly number[]>,
  intervalOf: (ref: string) => number | undefined,
  slackMs: number
): EarlyRecheck[] {
  const early: EarlyRecheck[] = []
  for (const [ref, times] of fetches) {
    const intervalMs = intervalOf(ref)
    if (intervalMs === undefined || !(intervalMs > 0)) continue
    for (let index = 1; index < times.length; index++) {
      const gapMs = times[index] - times[index - 1]
      if (gapMs < intervalMs - slackMs) early.push({ ref, at: times[index], gapMs, intervalMs })
    }
  }
  return early.sort((a, b) => a.at - b.at)
}
