import env from '#start/env'

/** The public API: per-token rate limit and the /metrics bearer token. */
const apiConfig = {
  rateLimit: {
    /** Requests per minute per access token; 0 turns the limit off. */
    perMinute: env.get('API_RATE_LIMIT') ?? 600,
    store: env.get('API_RATE_LIMIT_STORE') ?? env.get('LIMITER_STORE') ?? 'database',
  },
  metricsToken: env.get('METRICS_TOKEN')?.release() ?? null,
}

export default apiConfig
