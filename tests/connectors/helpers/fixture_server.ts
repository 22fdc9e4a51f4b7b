/**
 * A local HTTP server (node:http on 127.0.0.1, random port) that replays
 * fixture payloads and the failure variants derived from them: status codes,
 * gzip/br bodies, truncated bodies, resets and slow answers. It counts hits so
 * tests can assert what was (not) retried.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { brotliCompressSync, gzipSync } from 'node:zlib'

export interface Reply {
  status?: number
  headers?: Record<string, string>
  /** A string/Buffer is sent as is; anything else as JSON */
  body?: unknown
  encoding?: 'gzip' | 'br'
  /** Answer only after this many ms (for read timeouts) */
  delayMs?: number
  /** Send headers announcing the full length, then this many bytes, then destroy the socket */
  truncateAt?: number
  /** Destroy the socket before answering (connection reset) */
  reset?: boolean
}

export interface RecordedRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  body: string
}

type Handler = Reply | Reply[] | ((req: RecordedRequest) => Reply)

export class FixtureServer {
  readonly requests: RecordedRequest[] = []
  readonly #routes = new Map<string, { handler: Handler; calls: number }>()
  readonly #sockets = new Set<Socket>()
  #server: Server | null = null
  #port = 0

  get origin(): string {
    return `http://127.0.0.1:${this.#port}`
  }

  /** `route` is "GET /path" (query ignored); an array replays in order, the last one repeating. */
  on(route: string, handler: Handler): this {
    this.#routes.set(route, { handler, calls: 0 })
    return this
  }

  hits(route?: string): number {
    if (!route) return this.requests.length
    const [method, path] = route.split(' ')
    return this.requests.filter((r) => r.method === method && r.path === path).length
  }

  last(route?: string): RecordedRequest {
    const list = route
      ? this.requests.filter((r) => `${r.method} ${r.path}` === route)
      : this.requests
    const found = list.at(-1)
    if (!found) throw new Error(`no request recorded for ${route ?? 'any route'}`)
    return found
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      let body = ''
      req.setEncoding('utf8')
      req.on('data', (chunk: string) => (body += chunk))
      req.on('end', () => this.#handle(req, res, body))
    })
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
    })
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve))
    this.#port = (this.#server.address() as AddressInfo).port
    return this
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve()
    )
  }

  #handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    }
    this.requests.push(recorded)
    const route = this.#routes.get(`${recorded.method} ${recorded.path}`)
    if (!route) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":"no such fixture route"}')
      return
    }
    const { handler } = route
    const reply =
      typeof handler === 'function'
        ? handler(recorded)
        : Array.isArray(handler)
          ? handler[Math.min(route.calls, handler.length - 1)]
          : handler
    route.calls += 1
    const send = () => this.#send(req, res, reply)
    if (reply.delayMs) setTimeout(send, reply.delayMs)
    else send()
  }

  #send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
    if (reply.reset) {
      req.socket.destroy()
      return
    }
    let payload: Buffer =
      typeof reply.body === 'string'
        ? Buffer.from(reply.body)
        : Buffer.isBuffer(reply.body)
          ? reply.body
          : reply.body === undefined
            ? Buffer.alloc(0)
            : Buffer.from(JSON.stringify(reply.body))
    const headers: Record<string, string> = {
      'content-type':
        typeof reply.body === 'string'
          ? 'text/plain; charset=utf-8'
          : 'application/json;charset=utf-8',
      ...(reply.headers ?? {}),
    }
    if (reply.encoding === 'gzip') payload = gzipSync(payload)
    if (reply.encoding === 'br') payload = brotliCompressSync(payload)
    if (reply.encoding) headers['content-encoding'] = reply.encoding
    headers['content-length'] = String(payload.length)
    res.writeHead(reply.status ?? 200, headers)
    if (reply.truncateAt !== undefined) {
      res.write(payload.subarray(0, reply.truncateAt), () =>
        setTimeout(() => req.socket.destroy(), 5)
      )
      return
    }
    res.end(payload)
  }
}

export { fixture, fixtureJson } from '#tests/helpers/fixtures'

export const CAPTCHA_PAGE = `<!DOCTYPE html><html><head><title>Access to this page has been denied</title>
<script src="https://captcha.px-cdn.net/PXabc/captcha.js"></script></head>
<body><div id="px-captcha"></div><p>Press &amp; Hold to confirm you are a human (and not a bot).</p></body></html>`

export const CLOUDFLARE_PAGE = `<!DOCTYPE html><html><head><title>Just a moment...</title></head>
<body><div id="challenge-platform"></div><script src="/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1"></script></body></html>`

export const LOGIN_PAGE = `<!DOCTYPE html><html><head><title>Sign in</title></head><body>
<form action="/account/login" method="post"><input type="email" name="email"><input type="password" name="password"><button>Sign in</button></form></body></html>`

export const PLAIN_HTML_ERROR = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad gateway</h1></body></html>`
