import {
  anyObject,
  arr,
  dataOf,
  enumOf,
  errors,
  int,
  nullable,
  obj,
  pathId,
  queryParam,
  ref,
  str,
  type OpenApiModule,
} from '#api/openapi/schema'

const module: OpenApiModule = {
  tag: {
    name: 'analytics',
    description: "The caller's analytics and one event's market analytics",
  },
  schemas: {
    AnalyticsOverview: obj({
      groups: obj({ leagues: arr(str()), teams: arr(str()) }),
      selected: obj({ kind: { type: 'string', enum: ['league', 'team'] }, name: nullable(str()) }),
      trend: arr(anyObject()),
      curve: arr(anyObject()),
      pastEvents: int(),
      backtest: anyObject(),
      hints: arr(anyObject()),
      alerts: arr(anyObject()),
      spend: anyObject(),
      funnel: arr(
        obj({
          stage: { type: 'string', enum: ['alerts', 'requests', 'approved', 'ordered'] },
          label: str(),
          count: int(),
          ofPrevious: nullable({ type: 'number' }),
        })
      ),
      comparison: nullable(anyObject()),
      watchedEvents: arr(obj({ id: int(), name: str() })),
    }),
    EventAnalytics: obj({
      eventId: int(),
      chart: anyObject(),
      spread: arr(anyObject()),
      platforms: arr(anyObject()),
      dealScores: {
        type: 'object',
        additionalProperties: anyObject(),
        description:
          'Deal score (0–100) per listing id, with its explanation, the zone and the comparables used',
      },
      band: nullable(ref('PriceBand')),
    }),
    PriceBand: obj({
      verdict: enumOf(['low', 'typical', 'high', 'not_enough_data']),
      lowMinor: nullable(int()),
      highMinor: nullable(int()),
      source: enumOf(['event', 'comparable', 'none']),
      sampleSize: int(),
      comparableGroup: nullable(str()),
      text: str(),
    }),
  },
  paths: {
    '/analytics': {
      get: {
        'summary':
          'Price trend by league or team, the days-before-the-event curve with a buy-now-or-wait hint and its backtested accuracy, spend, the alert → purchase funnel, platform comparison and deal scores of recent alerts',
        'x-abilities': ['read'],
        'parameters': [
          queryParam(
            'league',
            str({ maxLength: 60 }),
            'League for the trend and curve (default: the most watched)'
          ),
          queryParam('team', str({ maxLength: 120 }), 'Team instead of a league'),
          queryParam('eventId', str({ pattern: '^[0-9]+$' }), 'Event for the platform comparison'),
        ],
        'responses': {
          '200': dataOf({ $ref: '#/components/schemas/AnalyticsOverview' }),
          ...errors(422),
        },
      },
    },
    '/analytics/events/{id}': {
      get: {
        'summary':
          "One event's price chart series, per-section spread, platforms side by side and a deal score per current listing",
        'x-abilities': ['read'],
        'parameters': [pathId()],
        'responses': {
          '200': dataOf({ $ref: '#/components/schemas/EventAnalytics' }),
          ...errors(404, 422),
        },
      },
    },
  },
}
export default module
