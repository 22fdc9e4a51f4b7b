import { createServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { IncomingMessage, ServerResponse, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { SMTPServer } from 'smtp-server'
import type { SMTPServerAddress } from 'smtp-server'

/**
 * Local servers for the channel specs: a plain HTTP receiver (webhooks,
 * Slack, Discord, Twilio's Messages endpoint), an HTTPS one (a push
 * service: web-push only speaks https) and a real SMTP server. All listen
 * on 127.0.0.1, random port, and record what they receive.
 */
export interface RecordedRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: Buffer
}

export type Handler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>

export interface LocalServer {
  url: string
  port: number
  requests: RecordedRequest[]
  close(): Promise<void>
}

function wrap(server: Server, handler: Handler, requests: RecordedRequest[]) {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', async () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      }
      requests.push(recorded)
      try {
        await handler(recorded, res)
      } catch (error) {
        res.statusCode = 599
        res.end(String(error))
      }
    })
  })
}

async function listen(
  server: Server,
  scheme: 'http' | 'https',
  requests: RecordedRequest[]
): Promise<LocalServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.()
        server.close(() => resolve())
      }),
  }
}

export async function startHttpServer(handler: Handler): Promise<LocalServer> {
  const requests: RecordedRequest[] = []
  const server = createServer()
  wrap(server, handler, requests)
  return listen(server, 'http', requests)
}

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url))
export const TEST_CA = fixture('push_service.cert.pem')

export async function startHttpsServer(handler: Handler): Promise<LocalServer> {
  const requests: RecordedRequest[] = []
  const server = createHttpsServer({
    key: fixture('push_service.key.pem'),
    cert: TEST_CA,
  }) as unknown as Server
  wrap(server, handler, requests)
  return listen(server, 'https', requests)
}

export interface ReceivedMail {
  from: string | false
  recipients: string[]
  raw: string
}

export interface LocalSmtpServer {
  host: string
  port: number
  messages: ReceivedMail[]
  close(): Promise<void>
}

/**
 * A real SMTP server (smtp-server). Recipients whose local part is
 * "bounce" get 550, "later" gets 451 (greylisting), like real servers do.
 */
export async function startSmtpServer(): Promise<LocalSmtpServer> {
  const messages: ReceivedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const local = address.address.split('@')[0]
      if (local === 'bounce') {
        return callback(
          Object.assign(new Error('5.1.1 Mailbox unavailable'), { responseCode: 550 })
        )
      }
      if (local === 'later') {
        return callback(
          Object.assign(new Error('4.7.1 Greylisted, try again later'), { responseCode: 451 })
        )
      }
      callback()
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : false,
          recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = ((server as unknown as { server: Server }).server.address() as AddressInfo).port
  return {
    host: '127.0.0.1',
    port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** A port nothing listens on (bound then released). */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
