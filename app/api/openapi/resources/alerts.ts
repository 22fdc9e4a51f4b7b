import {
  anyObject,
  arr,
  body,
  dataOf,
  dateTime,
  errors,
  input,
  int,
  listParams,
  noContent,
  nullable,
  obj,
  pageOf,
  pathId,
  queryParam,
  ref,
  str,
  type OpenApiModule,
} from '#api/openapi/schema'

const module: OpenApiModule = {
  tag: { name: 'alerts', description: "The caller's alerts: list, acknowledge, snooze" },
  schemas: {
    Alert: obj({
      id: int(),
      type: str(),
      condition: nullable(str()),
      ruleId: nullable(int()),
      ruleName: nullable(str()),
      eventId: nullable(int()),
      eventName: nullable(str()),
      listingId: nullable(int()),
      price: nullable(ref('Money')),
      reason: nullable(anyObject()),
      detectedAt: nullable(dateTime()),
      createdAt: nullable(dateTime()),
      acknowledgedAt: nullable(dateTime()),
      snoozedUntil: nullable(dateTime()),
      deliveries: {
        ...arr(ref('Delivery')),
        description: 'The receipt: each channel the alert went to, its state and when it delivered',
      },
    }),
  },
  paths: {
    '/alerts': {
      get: {
        'summary': 'Alerts, newest first',
        'x-abilities': ['read'],
        'parameters': [
          ...listParams(['id', 'detectedAt'], '-id'),
          queryParam(
            'unacknowledged',
            { type: 'string', enum: ['true', 'false'] },
            'Only alerts not yet acknowledged'
          ),
          queryParam('type', str(), 'Alert type'),
          queryParam('eventId', str({ pattern: '^[0-9]+$' }), 'Event id'),
        ],
        'responses': { '200': pageOf(ref('Alert')), ...errors(400, 422) },
      },
    },
    '/alerts/{id}/acknowledge': {
      post: {
        'summary': 'Acknowledge an alert',
        'x-abilities': ['write'],
        'parameters': [pathId()],
        'responses': { '204': noContent(), ...errors(404) },
      },
    },
    '/alerts/{id}/snooze': {
      post: {
        'summary': 'Snooze an alert for some minutes (5 to 10,080)',
        'x-abilities': ['write'],
        'parameters': [pathId()],
        'requestBody': body(input({ minutes: int({ minimum: 5, maximum: 10080 }) }, ['minutes'])),
        'responses': {
          '200': dataOf(obj({ snoozedUntil: dateTime() })),
          ...errors(404, 413, 415, 422),
        },
      },
    },
  },
}
export default module
