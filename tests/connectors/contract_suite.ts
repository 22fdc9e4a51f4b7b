/**
 * The contract every connector must pass (app/connectors/README.md). Each
 * connector's spec calls `connectorContractSuite` with a setup that points the
 * connector at a local fixture server.
 */
import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import type {
  Connector,
  ConnectorContext,
  MarketSnapshot,
  Money,
  NormalisedEvent,
  PriceSummary,
} from '#connectors/contract'
import { ConnectorError, EventGone } from '#connectors/errors'

export interface ContractSetup {
  connector: Connector
  context: ConnectorContext
  /** An event the fixture server knows */
  eventRef: string
  /** An event the fixture server answers 404 (or equivalent) for */
  goneRef?: string
  /** Credential values that must never appear in an error message */
  secrets: string[]
  /** From now on every request to the platform fails with HTTP 500 */
  breakServer(): void
  cleanup(): Promise<void>
}

const STATUSES = [
  'scheduled',
  'onsale',
  'offsale',
  'cancelled',
  'postponed',
  'rescheduled',
  'ended',
]
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/

export function assertMoney(assert: Assert, value: Money | null, label: string): void {
  if (value === null) return
  assert.isTrue(
    Number.isSafeInteger(value.amountMinor),
    `${label}.amountMinor is an integer (${value.amountMinor})`
  )
  assert.isAtLeast(value.amountMinor, 0, `${label} is not negative`)
  assert.match(value.currency, /^[A-Z]{3}$/, `${label}.currency is ISO 4217`)
  assert.deepEqual(
    Object.keys(value).sort(),
    ['amountMinor', 'currency'],
    `${label} has exactly amountMinor + currency`
  )
}

export function assertEvent(assert: Assert, event: NormalisedEvent, slug: string): void {
  assert.isString(event.ref)
  assert.isAbove(event.ref.length, 0)
  assert.equal(event.platform, slug)
  assert.isString(event.name)
  assert.include(STATUSES, event.status)
  assert.isBoolean(event.dateTbd)
  if (event.startsAt !== null) {
    assert.match(event.startsAt, ISO_UTC, 'startsAt is ISO 8601 UTC')
    assert.isFalse(Number.isNaN(Date.parse(event.startsAt)))
  } else {
    assert.isTrue(event.dateTbd, 'a missing start date is flagged dateTbd')
  }
  if (event.country !== null)
    assert.match(event.country, /^[A-Z]{2}$/, 'country is ISO 3166-1 alpha-2')
  if (event.timezone !== null) {
    assert.doesNotThrow(
      () => new Intl.DateTimeFormat('en', { timeZone: event.timezone as string }),
      'timezone is IANA'
    )
  }
  for (const window of [event.publicSale, ...event.presales]) {
    if (!window) continue
    assert.isString(window.name)
    for (const at of [window.startsAt, window.endsAt]) if (at !== null) assert.match(at, ISO_UTC)
  }
}

export function assertSummary(assert: Assert, summary: PriceSummary): void {
  assertMoney(assert, summary.min, 'summary.min')
  assertMoney(assert, summary.max, 'summary.max')
  assertMoney(assert, summary.median, 'summary.median')
  assertMoney(assert, summary.average, 'summary.average')
  if (summary.min && summary.max) {
    assert.equal(summary.min.currency, summary.max.currency, 'one currency per summary')
    assert.isAtMost(summary.min.amountMinor, summary.max.amountMinor, 'min ≤ max')
  }
  if (summary.listingCount !== null)
    assert.isTrue(Number.isSafeInteger(summary.listingCount) && summary.listingCount >= 0)
  assert.isTrue(
    [true, false, null].includes(summary.feesIncluded),
    'feesIncluded is true, false or null'
  )
}

export function assertSnapshot(
  assert: Assert,
  snapshot: MarketSnapshot,
  connector: Connector
): void {
  assertEvent(assert, snapshot.event, connector.slug)
  assertSummary(assert, snapshot.summary)
  assert.match(snapshot.fetchedAt, ISO_UTC)
  if (!connector.capabilities.listings)
    assert.isNull(snapshot.listings, 'no listing-level data claimed → listings is null')
  else assert.isArray(snapshot.listings)
}

export function connectorContractSuite(label: string, setup: () => Promise<ContractSetup>): void {
  test.group(`contract suite: ${label}`, (group) => {
    let s: ContractSetup
    group.each.setup(async () => {
      s = await setup()
      return () => s.cleanup()
    })

    test('declares a slug, a name and honest capabilities', ({ assert }) => {
      const { connector } = s
      assert.match(connector.slug, /^[a-z][a-z0-9_]*$/)
      assert.isAbove(connector.name.length, 0)
      for (const key of ['discover', 'market', 'checkout', 'listings'] as const)
        assert.isBoolean(connector.capabilities[key])
      assert.equal(
        typeof connector.placeOrder === 'function',
        connector.capabilities.checkout,
        'placeOrder exists iff checkout'
      )
      for (const field of connector.credentialFields) {
        assert.isString(field.name)
        assert.isString(field.label)
        assert.isBoolean(field.secret)
      }
    })

    test('fetchMarket returns a valid snapshot (integer minor units + ISO currency, or null)', async ({
      assert,
    }) => {
      const snapshot = await s.connector.fetchMarket(s.eventRef, s.context)
      assertSnapshot(assert, snapshot, s.connector)
      assert.equal(snapshot.event.ref, s.eventRef)
    })

    test('discoverEvents returns valid events and a sane next page', async ({ assert }) => {
      const page = await s.connector.discoverEvents(
        { keyword: s.connector.slug === 'jsonld' ? s.eventRef : 'game' },
        s.context
      )
      for (const event of page.events) assertEvent(assert, event, s.connector.slug)
      if (page.nextPage !== null) assert.isTrue(Number.isInteger(page.nextPage))
      if (s.connector.capabilities.discover) assert.isAbove(page.events.length, 0)
    })

    test('a vanished event is EventGone, not an error storm', async ({ assert }) => {
      if (!s.goneRef) return
      const error = await s.connector.fetchMarket(s.goneRef, s.context).catch((e: unknown) => e)
      assert.instanceOf(error, EventGone)
    })

    test('failures are typed ConnectorErrors and never carry a secret', async ({ assert }) => {
      s.breakServer()
      const error = await s.connector.fetchMarket(s.eventRef, s.context).catch((e: unknown) => e)
      assert.instanceOf(error, ConnectorError)
      const text = `${(error as Error).message} ${JSON.stringify(error)}`
      for (const secret of s.secrets) assert.notInclude(text, secret)
    })

    test('checkCredential answers ok for a working credential', async ({ assert }) => {
      assert.deepEqual(await s.connector.checkCredential(s.context), { ok: true })
    })
  })
}
