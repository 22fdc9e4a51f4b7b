import env from '#start/env'

/**
 * Metrics across processes. In the scaled mode (EMBEDDED=false) every
 * process — web, `queue:work` — pushes its Prometheus metrics every
 * `pushIntervalMs` to a board (Redis with the Redis queue driver, else the
 * `process_metrics` table), and GET /metrics on any web process serves them
 * all, each series labelled with its `process`. A process that stopped
 * pushing drops out after `maxAgeMs`. The embedded mode is one process: it
 * serves its own metrics, unlabelled.
 */
export default {
  cluster: !env.get('EMBEDDED', false),
  board:
    env.get('QUEUE_DRIVER', 'database') === 'redis' ? ('redis' as const) : ('database' as const),
  pushIntervalMs: 10_000,
  maxAgeMs: 60_000,
}
