/**
 * The `sandbox` connector: the real Ticket Evolution connector pointed at the
 * built-in exchange. Not a second code path: every request is signed, sent over
 * HTTP, validated and normalised exactly as for api.ticketevolution.com.
 */
import TicketEvolutionConnector from '#connectors/ticketevolution/ticketevolution_connector'
import type { HttpTransport } from '#connectors/ticketevolution/client'

export function createSandboxConnector(options: {
  baseUrl: string
  transport: HttpTransport
  clock?: () => Date
}) {
  return new TicketEvolutionConnector({
    slug: 'sandbox',
    name: 'Sandbox exchange',
    baseUrl: options.baseUrl,
    transport: options.transport,
    clock: options.clock,
  })
}
