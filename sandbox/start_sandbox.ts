/**
 * Starts the sandbox exchange in this process: used by `npm start` (embedded
 * demo), `node ace sandbox:serve`, the end-to-end tests and the benchmarks.
 */
import MarketSimulator from '#sandbox/market_simulator'
import ExchangeServer from '#sandbox/exchange_server'
import type { SandboxCredential } from '#connectors/sandbox/sandbox_credentials'

export interface StartSandboxOptions {
  port?: number
  host?: string
  seed?: number
  events?: number
  listingsPerEvent?: number
  /** Random market changes per second across the market */
  changesPerSecond?: number
  /** How often the market advances on the real clock; null: never (tests drive it) */
  tickIntervalMs?: number | null
  maxQuantityPerOrder?: number
  listingsKey?: 'ticket_groups' | 'listings'
  credentials?: SandboxCredential[]
  /** Defaults to Date.now */
  clock?: () => number
  /** When the seller accepts an order (default 20 s; null: never) */
  acceptOrdersAfterMs?: number | null
  /** Append one line per request to this file (ExchangeServer's request log); unset: none */
  requestLog?: string
}

export async function startSandboxExchange(
  options: StartSandboxOptions = {}
): Promise<ExchangeServer> {
  const clock = options.clock ?? Date.now
  const simulator = new MarketSimulator({
    startMs: clock(),
    ...(options.seed !== undefined && { seed: options.seed }),
    ...(options.events !== undefined && { events: options.events }),
    ...(options.listingsPerEvent !== undefined && { listingsPerEvent: options.listingsPerEvent }),
    ...(options.changesPerSecond !== undefined && { changesPerSecond: options.changesPerSecond }),
  })
  const exchange = new ExchangeServer({
    simulator,
    clock,
    credentials: options.credentials,
    maxQuantityPerOrder: options.maxQuantityPerOrder,
    listingsKey: options.listingsKey,
    tickIntervalMs: options.tickIntervalMs === undefined ? 1000 : options.tickIntervalMs,
    acceptOrdersAfterMs: options.acceptOrdersAfterMs,
    requestLog: options.requestLog,
  })
  await exchange.start(options.port ?? 0, options.host ?? '127.0.0.1')
  return exchange
}
