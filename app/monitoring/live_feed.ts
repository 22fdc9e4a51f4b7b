/**
 * The live feed: market changes of an event go to `events/<id>` (any
 * signed-in user may listen), a user's alerts go to `users/<id>` (only that
 * user). Through Transmit — in memory in one process, over Redis when web
 * and worker processes are separate — so open pages update without reload.
 */
import transmit from '@adonisjs/transmit/services/main'
import logger from '@adonisjs/core/services/logger'

export interface MarketChangeMessage {
  kind: 'market'
  eventId: number
  changes: number
  statusChanged: { from: string | null; to: string } | null
  lowestPriceMinor: number | null
  currency: string | null
  at: string
}

export function publishMarketChange(message: Omit<MarketChangeMessage, 'kind'>) {
  try {
    transmit.broadcast(`events/${message.eventId}`, { kind: 'market', ...message })
  } catch (error) {
    logger.warn({ err: error }, 'could not publish a market change')
  }
}

export function publishToUser(userId: number, payload: Record<string, unknown>) {
  try {
    transmit.broadcast(`users/${userId}`, payload as any)
  } catch (error) {
    logger.warn({ err: error }, 'could not publish to a user')
  }
}
