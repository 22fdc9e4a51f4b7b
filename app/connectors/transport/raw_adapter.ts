import type { HttpTransport } from '#connectors/transport/http_transport'

/**
 * A thin "status in, status out" view of the shared transport for connectors
 * that map HTTP statuses themselves (e.g. ticketevolution's signed client):
 * it keeps the User-Agent, timeouts, rate limits, circuit breaker and retries
 * of idempotent reads, and returns every status below 500 unmapped.
 */
export interface RawHttpRequest {
  source: string
  sourceKey?: string
  method: 'GET' | 'POST'
  url: string
  headers?: Record<string, string>
  body?: string
  idempotent?: boolean
}

export interface RawHttpResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export function rawHttp(transport: HttpTransport): {
  request(req: RawHttpRequest): Promise<RawHttpResponse>
} {
  return {
    async request(req) {
      const response = await transport.request({
        source: req.source,
        sourceKey: req.sourceKey,
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: req.body,
        expect: 'text',
        rawStatus: true,
        retry: req.idempotent ?? req.method === 'GET',
      })
      return { status: response.status, headers: response.headers, body: response.text }
    },
  }
}
