import env from '#start/env'

/**
 * Connector settings: base URLs (tests and the sandbox point them at local
 * servers), the sandbox exchange, and the SSRF allow-list for user URLs.
 */
const allow = (env.get('SSRF_ALLOW') ?? '')
  .split(',')
  .map((entry) => entry.trim())
  .filter(Boolean)

export default {
  settings: {
    ticketmaster: { baseUrl: env.get('TICKETMASTER_BASE_URL') },
    seatgeek: { baseUrl: env.get('SEATGEEK_BASE_URL') },
    stubhub: { apiBase: env.get('STUBHUB_API_BASE'), tokenUrl: env.get('STUBHUB_TOKEN_URL') },
    ticketevolution: { baseUrl: env.get('TICKETEVOLUTION_BASE_URL') },
  },
  sandbox: {
    /** Set: use that exchange. Unset: the embedded mode starts one in-process on `port`. */
    url: env.get('SANDBOX_URL'),
    port: env.get('SANDBOX_PORT', 4010),
    events: env.get('SANDBOX_EVENTS', 60),
    listingsPerEvent: env.get('SANDBOX_LISTINGS_PER_EVENT', 24),
  },
  /**
   * Share platform rate limits and quotas across processes through
   * @adonisjs/limiter (on when its store is Redis: the scaled mode). One
   * process keeps them in memory, which is exact and costs nothing per call.
   */
  sharedLimits: env.get('LIMITER_STORE', 'database') === 'redis',
  /**
   * One circuit per platform, shared by every process through the limiter
   * store (LIMITER_STORE): it opens when at least `minimumRequests` calls
   * were made within `windowMs` and `failureRate` of them failed; after
   * `cooldownMs` one probe (in the whole cluster) decides.
   */
  breaker: {
    windowMs: 60_000,
    minimumRequests: 10,
    failureRate: 0.5,
    cooldownMs: 30_000,
    syncMs: 1_000,
  },
  ssrf: {
    allowedHosts: allow.filter((entry) => !entry.includes('/')),
    allowedCidrs: allow.filter((entry) => entry.includes('/')),
  },
}
