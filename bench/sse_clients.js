/**
 * Open dashboards, from their own process: --clients SSE streams to the app
 * (Transmit's `/__transmit/events`), each signed in (the Cookie headers of
 * --cookies, used in turn) and subscribed to --channel, as the browser's
 * Transmit client does. Prints `ready <n>` once every stream is open and
 * subscribed, then waits for the first message of kind "market" on every
 * stream and prints one JSON line:
 *   { clients, subscribed, received, first_at, last_at }   (epoch ms, this machine's clock)
 *
 *   node bench/sse_clients.js --url http://127.0.0.1:PORT --cookies FILE --clients 2000 --channel events/1
 */
import http from 'node:http'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    cookies: { type: 'string' },
    clients: { type: 'string', default: '2000' },
    channel: { type: 'string' },
    timeout: { type: 'string', default: '60' },
  },
})
const base = new URL(values.url)
const cookies = JSON.parse(readFileSync(values.cookies, 'utf8'))
const total = Number(values.clients)
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity })
const subscribeAgent = new http.Agent({ keepAlive: true, maxSockets: 64 })

function request(path, { method = 'GET', headers = {}, body, useAgent = subscribeAgent } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: base.hostname, port: base.port, path, method, headers, agent: useAgent },
      resolve
    )
    req.on('error', reject)
    if (body) req.end(body)
    else req.end()
  })
}

let received = 0
let firstAt = null
let lastAt = null
let done
const allReceived = new Promise((resolve) => (done = resolve))

async function open(index) {
  const uid = randomUUID()
  const cookie = cookies[index % cookies.length]
  const stream = await request(`/__transmit/events?uid=${uid}`, {
    headers: { cookie, accept: 'text/event-stream' },
    useAgent: agent,
  })
  if (stream.statusCode !== 200) throw new Error(`stream ${index}: HTTP ${stream.statusCode}`)
  let seen = false
  let buffer = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk) => {
    if (seen) return
    buffer += chunk
    if (buffer.includes('"kind":"market"')) {
      seen = true
      const at = Date.now()
      firstAt ??= at
      lastAt = at
      if (++received === total) done()
    } else if (buffer.length > 4096) buffer = buffer.slice(-512)
  })
  const body = JSON.stringify({ uid, channel: values.channel })
  const subscribed = await request('/__transmit/subscribe', {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', 'content-length': body.length },
    body,
  })
  subscribed.resume()
  if (subscribed.statusCode !== 204 && subscribed.statusCode !== 200)
    throw new Error(`subscribe ${index}: HTTP ${subscribed.statusCode}`)
  return stream
}

const streams = []
/** In batches, as dashboards open over a moment rather than in one instant. */
for (let offset = 0; offset < total; offset += 100) {
  const batch = Array.from({ length: Math.min(100, total - offset) }, (_, k) => open(offset + k))
  streams.push(...(await Promise.all(batch)))
}
console.log(`ready ${streams.length}`)
const timer = setTimeout(() => done(), Number(values.timeout) * 1000)
await allReceived
clearTimeout(timer)
console.log(
  JSON.stringify({
    clients: total,
    subscribed: streams.length,
    received,
    first_at: firstAt,
    last_at: lastAt,
  })
)
for (const stream of streams) stream.destroy()
agent.destroy()
subscribeAgent.destroy()
process.exit(0)
