import PlatformSeeder from '#database/seeders/platform_seeder'
import db from '@adonisjs/lucid/services/db'
import ConnectorRuntime, { resetConnectorRuntime } from '#connectors/runtime'
import { startSandboxExchange } from '#sandbox/start_sandbox'
import type { ConnectorSettings } from '#connectors/registry'

/** The platforms table as a fresh install has it. */
export async function seedPlatforms() {
  await new PlatformSeeder(db.connection()).run()
}

/**
 * A sandbox exchange on a random port whose market moves only when the test
 * says so, and a connector runtime pointed at it (and at any fixture servers).
 */
export async function startTestSandbox(
  options: { settings?: ConnectorSettings; events?: number } = {}
) {
  const exchange = await startSandboxExchange({
    port: 0,
    seed: 7,
    events: options.events ?? 6,
    listingsPerEvent: 8,
    tickIntervalMs: null,
  })
  const runtime = new ConnectorRuntime({ settings: options.settings })
  runtime.useSandboxAt(exchange.url)
  resetConnectorRuntime(runtime)
  /** Circuits live in the limiter store, beyond one runtime: start without one left open. */
  await runtime.transport.breaker.reset('sandbox')
  let current = runtime
  return {
    exchange,
    get runtime() {
      return current
    },
    /**
     * A new runtime on the same exchange: no circuit left open, no cached
     * credential, by a fault an earlier test injected on purpose.
     */
    async fresh() {
      const next = new ConnectorRuntime({ settings: options.settings })
      next.useSandboxAt(exchange.url)
      resetConnectorRuntime(next)
      await next.transport.breaker.reset('sandbox')
      await current.transport.close()
      current = next
    },
    async stop() {
      resetConnectorRuntime(null)
      await current.transport.close()
      await exchange.stop()
    },
  }
}
