import type { MarketSnapshot, NormalisedEvent, NormalisedListing } from '#connectors/contract'
import Platform from '#models/platform'

let counter = 0

export async function createPlatform(slug = `test-${++counter}-${Date.now()}`) {
  return Platform.create({
    slug,
    name: slug,
    baseUrl: 'http://127.0.0.1',
    apiEndpoints: {},
    scraperConfig: {},
    capabilities: { discover: true, market: true, checkout: false, listings: true },
    requestsPerSecond: 10,
    requestsPerDay: null,
    maxTicketsPerOrder: null,
    enabled: true,
    encryptedCredentials: null,
  })
}

/** Each call is a different game (its own start time) unless overridden. */
export function normalisedEvent(overrides: Partial<NormalisedEvent> = {}): NormalisedEvent {
  const n = ++counter
  return {
    ref: `ev-${n}`,
    platform: 'test',
    url: 'https://tickets.example.test/e/1',
    name: 'Lakers at Celtics',
    sport: 'Basketball',
    league: 'NBA',
    homeTeam: 'Boston Celtics',
    awayTeam: 'Los Angeles Lakers',
    venue: 'TD Garden',
    city: 'Boston',
    country: 'US',
    startsAt: new Date(Date.UTC(2027, 0, 1) + n * 3_600_000).toISOString(),
    timezone: 'America/New_York',
    dateTbd: false,
    status: 'onsale',
    publicSale: null,
    presales: [],
    ...overrides,
  }
}

export function normalisedListing(
  ref: string,
  priceMinor: number,
  quantity: number
): NormalisedListing {
  return {
    ref,
    section: '101',
    row: 'A',
    quantity,
    splits: [1, 2, quantity],
    price: { amountMinor: priceMinor, currency: 'USD' },
    priceWithFees: null,
    format: 'Eticket',
    inHand: true,
    inHandOn: null,
    notes: null,
  }
}

export function snapshot(
  event: NormalisedEvent,
  listings: NormalisedListing[] | null
): MarketSnapshot {
  const prices = (listings ?? []).map((listing) => listing.price!.amountMinor)
  return {
    event,
    listings,
    summary: {
      min: prices.length ? { amountMinor: Math.min(...prices), currency: 'USD' } : null,
      max: prices.length ? { amountMinor: Math.max(...prices), currency: 'USD' } : null,
      median: null,
      average: null,
      feesIncluded: false,
      listingCount: listings?.length ?? null,
    },
    fetchedAt: new Date().toISOString(),
  }
}
