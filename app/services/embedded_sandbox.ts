/**
 * Where the `sandbox` platform answers:
 * - SANDBOX_URL set: that exchange (e.g. `node ace sandbox:serve` elsewhere);
 * - the web process in the embedded mode: an exchange started in-process on
 *   SANDBOX_PORT, so `npm start` needs nothing else;
 * - an Ace command: the running app's exchange when it answers, else a
 *   short-lived one with the same seed (same events and ids).
 */
import { connect } from 'node:net'
import connectorsConfig from '#config/connectors'
import { connectorRuntime } from '#connectors/runtime'
import type ExchangeServer from '#sandbox/exchange_server'

function answers(port: number) {
  return new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 500 })
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => (socket.destroy(), resolve(false)))
  })
}

export async function startSandbox(port: number): Promise<ExchangeServer> {
  const { startSandboxExchange } = await import('#sandbox/start_sandbox')
  return startSandboxExchange({
    port,
    seed: 1,
    events: connectorsConfig.sandbox.events,
    listingsPerEvent: connectorsConfig.sandbox.listingsPerEvent,
    changesPerSecond: 2,
  })
}

/** For the embedded web process: the exchange lives as long as the app. */
export async function startEmbeddedSandbox(): Promise<ExchangeServer | null> {
  const runtime = await connectorRuntime()
  if (connectorsConfig.sandbox.url) {
    runtime.useSandboxAt(connectorsConfig.sandbox.url)
    return null
  }
  const exchange = await startSandbox(connectorsConfig.sandbox.port)
  runtime.useSandboxAt(exchange.url)
  return exchange
}

/** For commands: reuse what answers, else start a short-lived exchange (the caller stops it). */
export async function startEmbeddedSandboxIfNeeded(): Promise<ExchangeServer | null> {
  const runtime = await connectorRuntime()
  if (connectorsConfig.sandbox.url) {
    runtime.useSandboxAt(connectorsConfig.sandbox.url)
    return null
  }
  if (await answers(connectorsConfig.sandbox.port)) {
    runtime.useSandboxAt(`http://127.0.0.1:${connectorsConfig.sandbox.port}`)
    return null
  }
  const exchange = await startSandbox(0)
  runtime.useSandboxAt(exchange.url)
  return exchange
}
