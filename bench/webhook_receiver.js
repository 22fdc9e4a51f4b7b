/*
 * The benchmark's webhook receiver, in its own process (not counted): takes
 * every POST, notes when it arrived (wall clock, ms) against the alert id in
 * the body, answers 200. GET /stats returns what it saw, POST /reset forgets it. Prints
 * "listening <port>" when ready.
 */
import { createServer } from 'node:http'

const arrivals = {}
let received = 0
const server = createServer((request, response) => {
  if (request.method === 'POST' && request.url === '/reset') {
    for (const key of Object.keys(arrivals)) delete arrivals[key]
    received = 0
    response.end('ok')
    return
  }
  if (request.method === 'GET' && request.url === '/stats') {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ received, arrivals }))
    return
  }
  const chunks = []
  request.on('data', (chunk) => chunks.push(chunk))
  request.on('end', () => {
    const at = Date.now()
    received++
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      const alertId = body?.data?.alert_id
      if (alertId !== undefined && arrivals[alertId] === undefined) arrivals[alertId] = at
    } catch {}
    response.writeHead(200, { 'x-request-id': `r${received}` })
    response.end('ok')
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
