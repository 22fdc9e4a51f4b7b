import { HttpTransport } from '#connectors/transport/http_transport'
import type { HttpTransportOptions } from '#connectors/transport/http_transport'
import { honestUserAgent } from '#connectors/transport/user_agent'
import { SsrfGuard } from '#security/ssrf_guard'

export const TEST_USER_AGENT = honestUserAgent('0.1.0-test', 'https://hdtickets.test')

/** A clock tests move by hand; sleeping advances it instantly and is recorded. */
export class FakeClock {
  readonly sleeps: number[] = []
  constructor(public current = Date.parse('2025-11-20T12:00:00Z')) {}
  now = (): number => this.current
  advance(ms: number): void {
    this.current += ms
  }
  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms)
    this.current += Math.max(0, ms)
  }
}

/** A transport whose sleeps cost nothing and whose timeouts are short. */
export function testTransport(
  clock: FakeClock,
  overrides: Partial<HttpTransportOptions> = {}
): HttpTransport {
  const guard = new SsrfGuard({ allowedHosts: ['127.0.0.1'] })
  return new HttpTransport({
    userAgent: TEST_USER_AGENT,
    clock,
    sleep: clock.sleep,
    random: () => 0.5,
    connectTimeoutMs: 1_000,
    readTimeoutMs: 1_000,
    retry: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 100 },
    breaker: { minimumRequests: 5, failureRate: 0.5, cooldownMs: 30_000 },
    guardedDispatcher: guard.createDispatcher({ connectTimeoutMs: 1_000, readTimeoutMs: 1_000 }),
    ...overrides,
  })
}
