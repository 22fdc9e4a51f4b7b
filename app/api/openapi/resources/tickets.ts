import {
  arr,
  bool,
  dataOf,
  dateTime,
  enumOf,
  errors,
  int,
  listParams,
  nullable,
  num,
  obj,
  pageOf,
  pathId,
  queryParam,
  ref,
  str,
  type OpenApiModule,
} from '#api/openapi/schema'

export const EVENT_STATUSES = [
  'scheduled',
  'onsale',
  'offsale',
  'postponed',
  'rescheduled',
  'cancelled',
  'ended',
] as const
const intText = str({ pattern: '^[0-9]+$' })
const OFFER_AVAILABILITIES = ['in_stock', 'limited', 'presale', 'sold_out', 'discontinued'] as const

const module: OpenApiModule = {
  tag: { name: 'tickets', description: 'Events, their current listings and price history' },
  schemas: {
    Event: obj({
      id: int(),
      name: str(),
      sport: nullable(str()),
      league: nullable(str()),
      homeTeam: nullable(str()),
      awayTeam: nullable(str()),
      venue: nullable(str()),
      city: nullable(str()),
      country: nullable(str()),
      startsAt: nullable(dateTime()),
      previousStartsAt: nullable(dateTime()),
      timezone: nullable(str()),
      dateTbd: bool(),
      status: str(),
      onsaleAt: nullable(dateTime()),
      lowestPrice: nullable(ref('Money')),
      listingCount: nullable(int()),
      availability: nullable(enumOf(OFFER_AVAILABILITIES)),
    }),
    EventSource: obj({
      id: int(),
      platform: str(),
      platformName: str(),
      url: nullable(str()),
      state: str(),
      stateReason: nullable(str()),
      lastCheckedAt: nullable(dateTime()),
      lastSuccessAt: nullable(dateTime()),
      lastError: nullable(str()),
      minPrice: nullable(ref('Money')),
      maxPrice: nullable(ref('Money')),
      listingCount: nullable(int()),
      availability: nullable(enumOf(OFFER_AVAILABILITIES)),
      payloadWarning: nullable(str()),
      feesIncluded: nullable(bool()),
    }),
    Listing: obj({
      id: int(),
      platform: str(),
      section: nullable(str()),
      row: nullable(str()),
      quantity: int(),
      splits: nullable(arr(int())),
      price: nullable(ref('Money')),
      priceWithFees: nullable(ref('Money')),
      delivery: nullable(
        obj({
          method: nullable(str()),
          fee: nullable(ref('Money')),
        })
      ),
      format: nullable(str()),
      inHand: nullable(bool()),
      notes: nullable(str()),
      lastChangedAt: nullable(dateTime()),
    }),
    PricePoint: obj({ at: dateTime(), price: ref('Money') }),
    PriceHistory: obj({
      eventId: int(),
      days: int(),
      currency: nullable(str()),
      points: arr(ref('PricePoint')),
      lowestInPeriod: nullable(ref('Money')),
      currentRank: nullable(
        num({
          minimum: 0,
          maximum: 1,
          description: 'Share of observed prices below the current lowest (0..1)',
        })
      ),
    }),
  },
  paths: {
    '/tickets': {
      get: {
        'summary': 'Events with their current lowest price and listing count',
        'x-abilities': ['read'],
        'parameters': [
          ...listParams(['startsAt', 'name', 'id'], 'startsAt'),
          queryParam('q', str(), 'Name, venue or team contains'),
          queryParam('status', enumOf(EVENT_STATUSES), 'Event status'),
          queryParam('league', str(), 'League'),
          queryParam('sport', str(), 'Sport'),
          queryParam('from', str({ format: 'date-time' }), 'Starts at or after'),
          queryParam('to', str({ format: 'date-time' }), 'Starts before'),
        ],
        'responses': { '200': pageOf(ref('Event')), ...errors(400, 422) },
      },
    },
    '/tickets/{id}': {
      get: {
        'summary': 'One event with its sources',
        'x-abilities': ['read'],
        'parameters': [pathId()],
        'responses': {
          '200': dataOf(obj({ event: ref('Event'), sources: arr(ref('EventSource')) })),
          ...errors(404),
        },
      },
    },
    '/tickets/{id}/listings': {
      get: {
        'summary': "The event's listings on offer now",
        'x-abilities': ['read'],
        'parameters': [
          pathId(),
          ...listParams(['price', 'quantity', 'id'], 'price'),
          queryParam('platform', str(), 'Platform slug'),
          queryParam('section', str(), 'Section, exact'),
          queryParam('minQuantity', intText, 'At least this many seats'),
          queryParam('maxPriceMinor', intText, 'At most this price per ticket (minor units)'),
        ],
        'responses': { '200': pageOf(ref('Listing')), ...errors(400, 404, 422) },
      },
    },
    '/tickets/{id}/price-history': {
      get: {
        'summary':
          "Prices observed for the event (one point per listing change, newest 5,000), the lowest of the period and the current lowest price's rank",
        'x-abilities': ['read'],
        'parameters': [
          pathId(),
          queryParam('days', str({ pattern: '^[0-9]+$' }), 'Days back, 1–365 (default 30)'),
        ],
        'responses': { '200': dataOf(ref('PriceHistory')), ...errors(404, 422) },
      },
    },
  },
}
export default module
