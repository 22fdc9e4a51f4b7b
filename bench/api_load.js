/**
 * Fixed-rate (open-loop) HTTP load: one request every 1/rate s whatever the
 * answers do, latency measured from the moment each request was due (so a
 * slow server is not hidden by the client waiting: no coordinated
 * omission). Runs in its own process, apart from the server it measures.
 *
 *   node bench/api_load.js --url URL --token T --rate 200 --duration 20 --warmup 3
 *   node bench/api_load.js --url URL --cookies FILE …   (a JSON array of Cookie headers, one
 *                                                         per signed-in user, used in turn)
 *
 * Prints one JSON line: { sent, ok, errors, achieved_rps, p50_ms, p95_ms, p99_ms, max_ms }.
 */
import { parseArgs } from 'node:util'
import { performance } from 'node:perf_hooks'
import { readFileSync } from 'node:fs'
import { Pool } from 'undici'

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    cookies: { type: 'string' },
    rate: { type: 'string', default: '200' },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
  },
})
const target = new URL(values.url)
const rate = Number(values.rate)
const durationMs = Number(values.duration) * 1000
const warmupMs = Number(values.warmup) * 1000
const pool = new Pool(target.origin, {
  connections: Number(values.connections),
  pipelining: 1,
  keepAliveTimeout: 30_000,
})
const path = `${target.pathname}${target.search}`
const cookies = values.cookies ? JSON.parse(readFileSync(values.cookies, 'utf8')) : null
const headersFor = (index) =>
  cookies
    ? { cookie: cookies[index % cookies.length], accept: 'text/html' }
    : { authorization: `Bearer ${values.token}`, accept: 'application/json' }

const latencies = []
let sent = 0
let ok = 0
let errors = 0
let inFlight = 0
const firstStatus = new Map()

async function one(dueAt, measured, index) {
  inFlight++
  try {
    const response = await pool.request({ method: 'GET', path, headers: headersFor(index) })
    await response.body.arrayBuffer()
    const elapsed = performance.now() - dueAt
    if (!measured) return
    if (response.statusCode === 200) {
      ok++
      latencies.push(elapsed)
    } else {
      errors++
      firstStatus.set(response.statusCode, (firstStatus.get(response.statusCode) ?? 0) + 1)
    }
  } catch (error) {
    if (measured) errors++
    firstStatus.set(error.code ?? 'error', (firstStatus.get(error.code ?? 'error') ?? 0) + 1)
  } finally {
    inFlight--
  }
}

const start = performance.now()
const total = Math.round(((warmupMs + durationMs) / 1000) * rate)
const pending = []
for (let i = 0; i < total; i++) {
  const dueAt = start + (i * 1000) / rate
  const wait = dueAt - performance.now()
  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
  const measured = dueAt - start >= warmupMs
  if (measured) sent++
  pending.push(one(dueAt, measured, i))
}
await Promise.all(pending)
const wall = (performance.now() - start - warmupMs) / 1000
await pool.close()

latencies.sort((a, b) => a - b)
const pct = (p) =>
  latencies.length
    ? Math.round(
        latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] * 100
      ) / 100
    : null
console.log(
  JSON.stringify({
    sent,
    ok,
    errors,
    error_statuses: Object.fromEntries(firstStatus),
    achieved_rps: Math.round((ok / wall) * 10) / 10,
    p50_ms: pct(50),
    p95_ms: pct(95),
    p99_ms: pct(99),
    max_ms: latencies.length ? Math.round(latencies[latencies.length - 1] * 100) / 100 : null,
  })
)
