import {
  body,
  dataOf,
  dateTime,
  errors,
  input,
  int,
  listParams,
  nullable,
  obj,
  pageOf,
  pathId,
  queryParam,
  ref,
  str,
  type OpenApiModule,
} from '#api/openapi/schema'

const intText = str({ pattern: '^[0-9]+$' })

const module: OpenApiModule = {
  tag: {
    name: 'scrapers',
    description:
      'Sources: one (event, platform) pair checked on a schedule through official APIs or public structured data. Pausing, resuming and checking now need a manager or admin.',
  },
  schemas: {
    Scraper: obj({
      id: int(),
      eventId: int(),
      eventName: nullable(str()),
      platform: str(),
      externalId: str(),
      url: nullable(str()),
      state: str(),
      stateReason: nullable(str()),
      nextCheckAt: nullable(dateTime()),
      lastCheckedAt: nullable(dateTime()),
      lastSuccessAt: nullable(dateTime()),
      lastError: nullable(str()),
      consecutiveFailures: int(),
      listingCount: nullable(int()),
    }),
  },
  paths: {
    '/scrapers': {
      get: {
        'summary': 'Sources and their status',
        'x-abilities': ['read'],
        'parameters': [
          ...listParams(['id', 'nextCheckAt', 'lastCheckedAt'], 'id'),
          queryParam('state', str(), 'active, paused, blocked, failing or gone'),
          queryParam('platform', str(), 'Platform slug'),
          queryParam('eventId', intText, 'Event id'),
        ],
        'responses': { '200': pageOf(ref('Scraper')), ...errors(400, 422) },
      },
    },
    '/scrapers/schedule': {
      get: {
        'summary': 'The schedule: active sources by next check time, soonest first',
        'x-abilities': ['read'],
        'parameters': [
          { $ref: '#/components/parameters/Limit' },
          { $ref: '#/components/parameters/Cursor' },
          queryParam('platform', str(), 'Platform slug'),
        ],
        'responses': { '200': pageOf(ref('Scraper')), ...errors(400, 422) },
      },
    },
    '/scrapers/{id}': {
      get: {
        'summary': "One source's status",
        'x-abilities': ['read'],
        'parameters': [pathId()],
        'responses': { '200': dataOf(ref('Scraper')), ...errors(404) },
      },
    },
    '/scrapers/{id}/pause': {
      post: {
        'summary': 'Pause a source (managers)',
        'x-abilities': ['write'],
        'parameters': [pathId()],
        'requestBody': body(input({ reason: str({ maxLength: 300 }) }), false),
        'responses': { '200': dataOf(ref('Scraper')), ...errors(404, 413, 415, 422) },
      },
    },
    '/scrapers/{id}/resume': {
      post: {
        'summary': 'Resume a source and check it at once (managers)',
        'x-abilities': ['write'],
        'parameters': [pathId()],
        'responses': { '200': dataOf(ref('Scraper')), ...errors(404, 422) },
      },
    },
    '/scrapers/{id}/check': {
      post: {
        'summary': 'Queue a check now (managers; active sources only)',
        'x-abilities': ['write'],
        'parameters': [pathId()],
        'responses': {
          '202': dataOf(obj({ queued: { type: 'boolean' } }), 'Queued'),
          ...errors(404, 422),
        },
      },
    },
  },
}
export default module
