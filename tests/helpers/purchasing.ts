/**
 * Purchasing test setup: the sandbox exchange with a listing the test
 * controls, the event and listings stored as a real check stores them, and
 * users with a linked sandbox account.
 */
import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import AccountService from '#services/account_service'
import { addEvent } from '#monitoring/discovery_service'
import { checkSource } from '#monitoring/check_market_service'
import { SANDBOX_CREDENTIALS } from '#connectors/sandbox/sandbox_credentials'
import type { SplitRule } from '#sandbox/market_simulator'
import type { startTestSandbox } from '#tests/helpers/sandbox'

export type TestSandbox = Awaited<ReturnType<typeof startTestSandbox>>

export const sandboxCredentials = {
  token: SANDBOX_CREDENTIALS.token,
  secret: SANDBOX_CREDENTIALS.secret,
  office_id: SANDBOX_CREDENTIALS.officeId,
}

/** Links the demo sandbox credential as the user's own account (checked with the exchange, as the page does). */
export async function linkSandboxAccount(user: User) {
  return new AccountService().link(user, {
    platform: 'sandbox',
    username: `desk-${user.id}`,
    credentials: sandboxCredentials,
  })
}

/** Everything purchasing and the market tables hold, children first. */
export async function resetPurchasing() {
  for (const table of [
    'purchase_attempts',
    'orders',
    'purchase_requests',
    'purchase_budgets',
    'alerts',
    'watch_rules',
    'audit_logs',
    'accounts',
    'listing_changes',
    'listings',
    'event_status_changes',
    'event_sources',
    'events',
    'users',
  ]) {
    await db.from(table).delete()
  }
}

let sectionCounter = 0

/**
 * A fresh listing on a sandbox event, stored in HDTickets through the real
 * connector (addEvent, then a check). Returns ids on both sides.
 */
export async function sandboxListing(
  sandbox: TestSandbox,
  options: {
    quantity?: number
    retailCents?: number
    splitRule?: SplitRule
    eventIndex?: number
  } = {}
) {
  const simEvent = sandbox.exchange.simulator.events()[options.eventIndex ?? 0]
  if (simEvent.state !== 'shown') sandbox.exchange.simulator.setState(simEvent.id, 'shown')
  const simListing = sandbox.exchange.simulator.addListing(simEvent.id, {
    quantity: options.quantity ?? 8,
    retailCents: options.retailCents ?? 10_000,
    splitRule: options.splitRule ?? 'any',
    section: `T${++sectionCounter}`,
    row: 'A',
  })
  const platform = await db.from('platforms').where('slug', 'sandbox').first()
  const existing = await db
    .from('event_sources')
    .where({ platform_id: platform.id, external_id: String(simEvent.id) })
    .first()
  let sourceId: number
  let eventId: number
  if (existing) {
    sourceId = Number(existing.id)
    eventId = Number(existing.event_id)
    await checkSource(sourceId)
  } else {
    const added = await addEvent(`sandbox:${simEvent.id}`)
    sourceId = Number(added.sourceId)
    eventId = Number(added.eventId)
  }
  const listing = await db
    .from('listings')
    .where({ event_source_id: sourceId, external_id: String(simListing.id) })
    .first()
  if (!listing) throw new Error(`listing ${simListing.id} was not stored`)
  return { simEvent, simListing, eventId, sourceId, listingId: Number(listing.id), listing }
}

/** Re-reads the sandbox market into HDTickets (after the test changed it). */
export async function refreshMarket(sourceId: number) {
  return checkSource(sourceId)
}

export function sandboxOrdersFor(sandbox: TestSandbox, key: string) {
  return sandbox.exchange.orders().filter((order) => order.reference === key)
}
