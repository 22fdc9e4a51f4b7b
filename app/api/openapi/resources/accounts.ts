import {
  body,
  dataOf,
  dateTime,
  enumOf,
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

const credentials = {
  type: 'object',
  description:
    "The platform's credential fields (see GET /platforms). Write-only: never returned, logged or exported.",
  additionalProperties: { type: 'string', maxLength: 2000 },
  maxProperties: 10,
}

const module: OpenApiModule = {
  tag: {
    name: 'accounts',
    description:
      "The caller's linked platform accounts (one per platform; credentials are write-only)",
  },
  schemas: {
    LinkedAccount: obj({
      id: int(),
      platform: nullable(str()),
      platformName: nullable(str()),
      username: str(),
      status: enumOf(['unchecked', 'ok', 'rejected', 'error', 'no_credentials']),
      lastError: nullable(str()),
      lastCheck: nullable(dateTime()),
      createdAt: nullable(dateTime()),
    }),
  },
  paths: {
    '/accounts': {
      get: {
        'summary': 'Linked accounts',
        'x-abilities': ['read'],
        'parameters': [
          ...listParams(['id', 'createdAt'], 'id'),
          queryParam('platform', str(), 'Platform slug'),
          queryParam('status', str(), 'Status'),
        ],
        'responses': { '200': pageOf(ref('LinkedAccount')), ...errors(400, 422) },
      },
      post: {
        'summary':
          'Link an account: the credential is checked with the platform, then stored encrypted',
        'x-abilities': ['write'],
        'requestBody': body(
          input(
            {
              platform: str({ minLength: 1, maxLength: 40 }),
              username: str({ minLength: 1, maxLength: 190 }),
              credentials,
            },
            ['platform', 'username', 'credentials']
          )
        ),
        'responses': {
          '201': dataOf(ref('LinkedAccount'), 'Linked'),
          ...errors(409, 413, 415, 422),
        },
      },
    },
    '/accounts/{id}': {
      get: {
        'summary': 'One linked account',
        'x-abilities': ['read'],
        'parameters': [pathId()],
        'responses': { '200': dataOf(ref('LinkedAccount')), ...errors(404) },
      },
      delete: {
        'summary': 'Unlink (audited)',
        'x-abilities': ['write'],
        'parameters': [pathId()],
        'responses': { '204': noContent(), ...errors(404) },
      },
    },
    '/accounts/{id}/credentials': {
      put: {
        'summary': 'Replace the credential (checked with the platform first)',
        'x-abilities': ['write'],
        'parameters': [pathId()],
        'requestBody': body(input({ credentials }, ['credentials'])),
        'responses': { '200': dataOf(ref('LinkedAccount')), ...errors(404, 413, 415, 422) },
      },
    },
  },
}
export default module
