import {
  anyObject,
  arr,
  body,
  dataOf,
  dateTime,
  enumOf,
  errors,
  input,
  int,
  json,
  listParams,
  noContent,
  nullable,
  obj,
  pathId,
  queryParam,
  ref,
  str,
  type OpenApiModule,
} from '#api/openapi/schema'
import { NOTIFICATION_TYPES } from '#models/notification'

const KINDS = ['email', 'sms', 'webpush', 'webhook', 'slack', 'discord', 'inapp']

const quietHours = obj({
  start: str({ pattern: '^[0-2][0-9]:[0-5][0-9]$' }),
  end: str({ pattern: '^[0-2][0-9]:[0-5][0-9]$' }),
})
const escalation = obj({ afterMinutes: int({ minimum: 1 }), channelIds: arr(int()) })
const types = {
  type: 'object',
  propertyNames: enumOf(NOTIFICATION_TYPES),
  additionalProperties: arr(int()),
}

const module: OpenApiModule = {
  tag: {
    name: 'notifications',
    description:
      "The caller's notification centre, delivery channels (secrets write-only) and preferences",
  },
  schemas: {
    Delivery: obj({
      channelId: nullable(int()),
      channelKind: str(),
      channelName: nullable(str()),
      status: str(),
      attempts: int(),
      lastError: nullable(str()),
      deliveredAt: nullable(dateTime()),
    }),
    Notification: obj({
      id: int(),
      type: enumOf(NOTIFICATION_TYPES),
      title: str(),
      body: str(),
      link: nullable(str()),
      priority: enumOf(['low', 'normal', 'high']),
      alertId: nullable(int()),
      readAt: nullable(dateTime()),
      createdAt: nullable(dateTime()),
      deliveries: arr(ref('Delivery')),
    }),
    NotificationChannel: obj({
      id: int(),
      kind: enumOf(KINDS),
      name: str(),
      target: {
        ...nullable(str()),
        description: 'The address, number or host, masked; never a secret or a full URL',
      },
      verifiedAt: nullable(dateTime()),
      disabledAt: nullable(dateTime()),
      disabledReason: nullable(str()),
      consecutiveFailures: int(),
      createdAt: nullable(dateTime()),
    }),
    NotificationPreferences: obj({
      timeZone: str(),
      quietHours: nullable(quietHours),
      digestMinutes: nullable(int()),
      escalation: nullable(escalation),
      types,
    }),
    TestSend: obj({
      ok: { type: 'boolean' },
      providerId: nullable(str()),
      error: nullable(str()),
      errorCode: nullable(str()),
      latencyMs: int(),
    }),
  },
  paths: {
    '/notifications': {
      get: {
        'summary':
          'Notifications, newest first, each with its deliveries per channel (the receipt); meta carries the unread count',
        'x-abilities': ['read'],
        'parameters': [
          ...listParams(['id'], '-id'),
          queryParam('unread', enumOf(['true', 'false']), 'Only unread (or only read) ones'),
          queryParam('type', enumOf(NOTIFICATION_TYPES), 'Notification type'),
        ],
        'responses': {
          '200': json(
            obj({
              data: arr(ref('Notification')),
              meta: obj({ limit: int(), nextCursor: nullable(str()), unread: int() }),
            })
          ),
          ...errors(400, 422),
        },
      },
    },
    '/notifications/read-all': {
      post: {
        'summary': 'Mark every notification read',
        'x-abilities': ['write'],
        'responses': { '200': dataOf(obj({ marked: int() })), ...errors(415) },
      },
    },
    '/notifications/{id}/read': {
      post: {
        'summary': 'Mark one notification read',
        'x-abilities': ['write'],
        'parameters': [pathId()],
        'responses': { '204': noContent(), ...errors(404) },
      },
    },
    '/notifications/{id}/snooze': {
      post: {
        'summary':
          'Snooze a notification (and its escalation) for some minutes, 5 to 10,080 (default 60)',
        'x-abilities': ['write'],
        'parameters': [pathId()],
        'requestBody': body(input({ minutes: int({ minimum: 5, maximum: 10080 }) }), false),
        'responses': { '200': dataOf(obj({ snoozedUntil: dateTime() })), ...errors(404, 415, 422) },
      },
    },
    '/notifications/channels': {
      get: {
        'summary': 'Delivery channels, secrets never included',
        'x-abilities': ['read'],
        'responses': { '200': dataOf(arr(ref('NotificationChannel'))) },
      },
      post: {
        'summary':
          'Add a channel. email {address}, sms {number (E.164)}, webhook/slack/discord {url (HTTPS, public)}, webhook may give {secret}; webpush {subscription}. A webhook signing secret HDTickets generates is returned once, in meta.',
        'x-abilities': ['write'],
        'requestBody': body(
          input(
            {
              kind: enumOf(KINDS.filter((kind) => kind !== 'inapp')),
              name: str({ maxLength: 120 }),
              config: anyObject(),
            },
            ['kind', 'config']
          )
        ),
        'responses': {
          '201': json(
            obj({ data: ref('NotificationChannel'), meta: obj({ signingSecret: str() }) }, [
              'meta',
            ]),
            'Created'
          ),
          ...errors(413, 415, 422),
        },
      },
    },
    '/notifications/channels/{id}': {
      delete: {
        'summary': 'Remove a channel',
        'x-abilities': ['write'],
        'parameters': [pathId()],
        'responses': { '204': noContent(), ...errors(404) },
      },
    },
    '/notifications/channels/{id}/test': {
      post: {
        'summary':
          "Send a test message through the channel now; the provider's answer, and the channel is marked verified when it worked",
        'x-abilities': ['write'],
        'parameters': [pathId()],
        'responses': { '200': dataOf(ref('TestSend')), ...errors(404, 415) },
      },
    },
    '/notifications/preferences': {
      get: {
        'summary':
          'Preferences: time zone, quiet hours, digest window, escalation chain, channels per type',
        'x-abilities': ['read'],
        'responses': { '200': dataOf(ref('NotificationPreferences')) },
      },
      put: {
        'summary': 'Replace preferences (channel ids must be your own)',
        'x-abilities': ['write'],
        'requestBody': body(
          input({
            timeZone: str(),
            quietHours: nullable(quietHours),
            digestMinutes: nullable(int({ minimum: 1 })),
            escalation: nullable(escalation),
            types,
          })
        ),
        'responses': { '200': dataOf(ref('NotificationPreferences')), ...errors(413, 415, 422) },
      },
    },
  },
}
export default module
