import env from '#start/env'

/** Purchasing: who approves, how long a request lives, how hard an order is retried. */
export default {
  requireManagerApproval: env.get('PURCHASE_REQUIRE_MANAGER', false),
  requestTtlMs: 24 * 3_600_000,
  maxAttempts: 5,
  leaseMs: 60_000,
  retryBaseMs: 2_000,
}
