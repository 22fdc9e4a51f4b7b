/**
 * The connectors as the application uses them: one shared transport (honest
 * User-Agent, timeouts, per-platform limits from the platforms table), the
 * SSRF guard, and credentials resolved per request — the requesting user's
 * linked account for that platform, else the deployment-wide credential an
 * admin set, else none. Secrets are decrypted just before a call and never
 * kept on the connector.
 */
import type { Connector, ConnectorContext, Credential } from '#connectors/contract'
import {
  createConnector,
  createSharedTransport,
  connectorSlugs,
  type ConnectorSettings,
} from '#connectors/registry'
import type { HttpTransport } from '#connectors/transport/http_transport'
import type { RateLimits } from '#connectors/transport/rate_limiter'
import type { SsrfGuard, SsrfGuardOptions } from '#security/ssrf_guard'
import Account from '#models/account'
import Platform from '#models/platform'
import { decryptSecret } from '#security/secrets'
import connectorsConfig from '#config/connectors'
import SharedRateLimiter from '#connectors/shared_rate_limiter'
import SharedCircuitStore from '#connectors/shared_circuit_store'
import logger from '@adonisjs/core/services/logger'
import { hdtickets } from '#config/app'

/** How long a job (a scheduled check) may wait for a platform's rate limit before handing back */
export const JOB_WAIT_BUDGET_MS = 30_000

export default class ConnectorRuntime {
  readonly transport: HttpTransport
  readonly ssrfGuard: SsrfGuard
  #connectors = new Map<string, Connector>()
  #sandboxUrl: string | undefined

  #settings: ConnectorSettings

  constructor(
    options: {
      limits?: Record<string, RateLimits>
      /** Base URLs per platform; defaults to config/connectors.ts */
      settings?: ConnectorSettings
      /** The SSRF allow-list; defaults to config/connectors.ts (SSRF_ALLOW) */
      ssrf?: SsrfGuardOptions
    } = {}
  ) {
    this.#settings = options.settings ?? connectorsConfig.settings
    const shared = createSharedTransport({
      version: hdtickets.version,
      instanceUrl: hdtickets.url,
      ssrf: options.ssrf ?? connectorsConfig.ssrf,
      limits: options.limits,
      transport: {
        ...(connectorsConfig.sharedLimits ? { rateLimiter: new SharedRateLimiter() } : {}),
        breaker: {
          ...connectorsConfig.breaker,
          store: new SharedCircuitStore({ windowMs: connectorsConfig.breaker.windowMs }),
          onTransition: (platform, to, window) =>
            logger[to === 'open' ? 'warn' : 'info'](
              { platform, window },
              to === 'open'
                ? 'circuit opened: calls to this platform fail fast until a probe succeeds'
                : 'circuit closed: the probe succeeded'
            ),
        },
      },
    })
    this.transport = shared.transport
    this.ssrfGuard = shared.ssrfGuard
    this.#sandboxUrl = connectorsConfig.sandbox.url
  }

  /** Builds the runtime with the rate limits an admin set in the platforms table. */
  static async fromDatabase() {
    const platforms = await Platform.all()
    const limits = Object.fromEntries(
      platforms.map((platform) => [
        platform.slug,
        { requestsPerSecond: platform.requestsPerSecond, requestsPerDay: platform.requestsPerDay },
      ])
    )
    return new ConnectorRuntime({ limits: Object.keys(limits).length ? limits : undefined })
  }

  /** Where the sandbox exchange answers (set once the embedded one has started). */
  useSandboxAt(url: string) {
    this.#sandboxUrl = url
    this.#connectors.delete('sandbox')
  }

  get sandboxUrl() {
    return this.#sandboxUrl
  }

  slugs() {
    return connectorSlugs()
  }

  connector(slug: string): Connector {
    let connector = this.#connectors.get(slug)
    if (!connector) {
      connector = createConnector(slug, {
        transport: this.transport,
        ssrfGuard: this.ssrfGuard,
        settings: { ...this.#settings, sandbox: { baseUrl: this.#sandboxUrl } },
      })
      this.#connectors.set(slug, connector)
    }
    return connector
  }

  #platforms = new Map<number, { platform: Platform; at: number }>()
  #credentials = new Map<string, { credential: Credential | null; at: number }>()

  /** Platform rows change rarely (admin edits reset the runtime): read them at most every 30 s. */
  async platformById(id: number): Promise<Platform | null> {
    const cached = this.#platforms.get(id)
    if (cached && Date.now() - cached.at < 30_000) return cached.platform
    const platform = await Platform.find(id)
    if (platform) this.#platforms.set(id, { platform, at: Date.now() })
    return platform
  }

  /**
   * The credential a call on `platform` uses for `userId` (or the
   * deployment's). Decrypted credentials are kept in memory for 60 s so a
   * check does not pay a query and a decryption each time.
   */
  async credentialFor(platform: Platform, userId: number | null): Promise<Credential | null> {
    const key = `${platform.id}:${userId ?? '-'}`
    const cached = this.#credentials.get(key)
    if (cached && Date.now() - cached.at < 60_000) return cached.credential
    const credential = await this.#loadCredential(platform, userId)
    this.#credentials.set(key, { credential, at: Date.now() })
    return credential
  }

  /** Forget cached credentials (after a user links or replaces an account). */
  forgetCredentials() {
    this.#credentials.clear()
  }

  async #loadCredential(platform: Platform, userId: number | null): Promise<Credential | null> {
    if (userId !== null) {
      const account = await Account.query()
        .where({ user_id: userId, platform_id: platform.id })
        .first()
      if (account)
        return decryptSecret<Credential>(account.encryptedCredentials, 'account.credentials')
    }
    if (platform.encryptedCredentials) {
      return decryptSecret<Credential>(platform.encryptedCredentials, 'platform.credentials')
    }
    return null
  }

  /**
   * The call's context. Unless the caller sets its own, the deadline is the
   * job budget: a rate-limit or Crawl-delay wait that ends within
   * JOB_WAIT_BUDGET_MS is sat out (well inside a check's 2-minute claim),
   * a longer one comes back as RateLimited and the check is rescheduled.
   */
  async context(
    platform: Platform,
    userId: number | null,
    sourceKey?: string,
    wait: Pick<ConnectorContext, 'deadlineAt' | 'onWait'> = {}
  ): Promise<ConnectorContext> {
    return {
      credential: await this.credentialFor(platform, userId),
      sourceKey,
      deadlineAt: wait.deadlineAt ?? Date.now() + JOB_WAIT_BUDGET_MS,
      onWait: wait.onWait,
    }
  }
}

let runtime: ConnectorRuntime | null = null

/** The process-wide runtime (one transport, so limits and breakers are shared). */
export async function connectorRuntime() {
  runtime ??= await ConnectorRuntime.fromDatabase()
  return runtime
}

export interface PlatformCircuit {
  state: 'closed' | 'open' | 'half-open'
  /** Seconds until a probe is let through, while open */
  retryInSeconds: number | null
  /** Calls and failures in the last window (cluster-wide) */
  calls: number
  failures: number
}

/** Each platform's circuit as the shared store has it (admin pages, /metrics). */
export async function platformCircuits(slugs: string[]): Promise<Record<string, PlatformCircuit>> {
  const { breaker } = (await connectorRuntime()).transport
  await breaker.flush()
  const entries = await Promise.all(
    slugs.map(async (slug) => {
      const status = await breaker.status(slug)
      const circuit: PlatformCircuit = {
        state: status.state,
        retryInSeconds: status.retryAfterMs === null ? null : Math.ceil(status.retryAfterMs / 1000),
        calls: status.window.attempts,
        failures: status.window.failures,
      }
      return [slug, circuit] as const
    })
  )
  return Object.fromEntries(entries)
}

/** Forget the runtime (after an admin edits platform limits); or install one (tests, benchmarks). */
export function resetConnectorRuntime(next: ConnectorRuntime | null = null) {
  runtime = next
}
