import {
  anyObject,
  arr,
  body,
  bool,
  dataOf,
  dateTime,
  enumOf,
  errors,
  input,
  int,
  listParams,
  noContent,
  nullable,
  num,
  obj,
  pageOf,
  pathId,
  queryParam,
  ref,
  str,
  type OpenApiModule,
  type Schema,
} from '#api/openapi/schema'

const trigger: Schema = {
  oneOf: [
    obj(
      {
        kind: enumOf(['price_drop']),
        percent: num({ minimum: 0.1, maximum: 100 }),
        belowMinor: int({ minimum: 1 }),
      },
      ['percent', 'belowMinor']
    ),
    obj({ kind: enumOf(['lowest_in_days']), days: int({ minimum: 1, maximum: 365 }) }),
    obj({ kind: enumOf(['bottom_percentile']), percent: num({ minimum: 1, maximum: 50 }) }),
    obj({ kind: enumOf(['seats_together']), count: int({ minimum: 2, maximum: 20 }) }),
    obj({ kind: enumOf(['available', 'back_in_stock', 'on_sale', 'status_change']) }),
  ],
}

const filters = input({
  team: str({ maxLength: 120 }),
  league: str({ maxLength: 60 }),
  venue: str({ maxLength: 200 }),
  from: str({ format: 'date-time' }),
  to: str({ format: 'date-time' }),
  platforms: arr(str({ maxLength: 40 }), { maxItems: 10 }),
})

export const watchRuleInput = input(
  {
    name: str({ minLength: 1, maxLength: 120 }),
    eventId: nullable(int({ minimum: 1 })),
    filters,
    maxPriceMinor: nullable(int({ minimum: 1, maximum: 100000000 })),
    currency: nullable(str({ minLength: 3, maxLength: 3 })),
    includeFees: bool(),
    minQuantity: int({ minimum: 1, maximum: 20 }),
    sections: arr(str({ minLength: 1, maxLength: 40 }), { maxItems: 30 }),
    triggers: arr(trigger, { minItems: 1, maxItems: 8 }),
    hysteresisMinor: int({ minimum: 0, maximum: 10000000 }),
    cooldownSeconds: int({ minimum: 0, maximum: 2592000 }),
    minDealScore: {
      ...nullable(int({ minimum: 0, maximum: 100 })),
      description: 'Listings whose deal score (0–100) is below this never alert',
    },
    maxAlertsPerHour: {
      ...nullable(int({ minimum: 1, maximum: 1000 })),
      description:
        'At most this many alerts an hour; further matches are folded into the latest alert',
    },
    channels: arr(str({ maxLength: 40 }), { maxItems: 10 }),
    importance: int({ minimum: 1, maximum: 5 }),
    autoPurchase: bool(),
    enabled: bool(),
    follow: {
      ...bool(),
      description:
        'Search the platforms for the team, league or venue of the filters and watch the new games found (needs one of them, and no eventId)',
    },
  },
  ['name', 'triggers']
)

const module: OpenApiModule = {
  tag: { name: 'watch-rules', description: "The caller's watch rules" },
  schemas: {
    WatchRule: obj({
      id: int(),
      name: str(),
      eventId: nullable(int()),
      filters: anyObject(),
      maxPriceMinor: nullable(int()),
      currency: nullable(str()),
      includeFees: bool(),
      minQuantity: int(),
      sections: arr(str()),
      triggers: arr(anyObject()),
      hysteresisMinor: nullable(int()),
      cooldownSeconds: nullable(int()),
      minDealScore: nullable(int()),
      maxAlertsPerHour: nullable(int()),
      channels: arr(str()),
      importance: int(),
      autoPurchase: bool(),
      enabled: bool(),
      follow: bool(),
      lastDiscoveredAt: nullable(dateTime()),
      discoveredEvents: int(),
      lastDiscoveryError: nullable(str()),
      createdAt: nullable(dateTime()),
    }),
    WatchRuleInput: watchRuleInput,
    RulePreview: anyObject(),
  },
  paths: {
    '/watch-rules': {
      get: {
        'summary': 'Watch rules',
        'x-abilities': ['read'],
        'parameters': [
          ...listParams(['id', 'name', 'createdAt'], 'id'),
          queryParam('enabled', enumOf(['true', 'false']), 'Enabled or not'),
          queryParam('eventId', str({ pattern: '^[0-9]+$' }), 'Rules watching this event'),
        ],
        'responses': { '200': pageOf(ref('WatchRule')), ...errors(400, 422) },
      },
      post: {
        'summary': 'Create a rule (members and above)',
        'x-abilities': ['write'],
        'requestBody': body(ref('WatchRuleInput')),
        'responses': { '201': dataOf(ref('WatchRule'), 'Created'), ...errors(413, 415, 422) },
      },
    },
    '/watch-rules/preview': {
      post: {
        'summary': 'How many listings match now and how often it would have fired (7 days)',
        'x-abilities': ['read'],
        'requestBody': body(ref('WatchRuleInput')),
        'responses': { '200': dataOf(ref('RulePreview')), ...errors(413, 415, 422) },
      },
    },
    '/watch-rules/{id}': {
      get: {
        'summary': 'One rule',
        'x-abilities': ['read'],
        'parameters': [pathId()],
        'responses': { '200': dataOf(ref('WatchRule')), ...errors(404) },
      },
      put: {
        'summary': 'Replace a rule',
        'x-abilities': ['write'],
        'parameters': [pathId()],
        'requestBody': body(ref('WatchRuleInput')),
        'responses': { '200': dataOf(ref('WatchRule')), ...errors(404, 413, 415, 422) },
      },
      delete: {
        'summary': 'Delete a rule',
        'x-abilities': ['write'],
        'parameters': [pathId()],
        'responses': { '204': noContent(), ...errors(404) },
      },
    },
  },
}
export default module
