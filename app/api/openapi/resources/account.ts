import {
  arr,
  body,
  dataOf,
  dateTime,
  enumOf,
  errors,
  input,
  noContent,
  nullable,
  obj,
  pathId,
  ref,
  str,
  type OpenApiModule,
} from '#api/openapi/schema'

import { PRICE_MODES } from '#analytics/fees'

const ABILITIES = ['read', 'write', 'purchase', 'admin'] as const

/** The caller: /me and their access tokens. */
const module: OpenApiModule = {
  tag: { name: 'me', description: 'The signed-in user and their access tokens' },
  schemas: {
    User: obj({
      id: { type: 'integer' },
      email: str({ format: 'email' }),
      fullName: nullable(str()),
      role: enumOf(['admin', 'manager', 'member', 'viewer']),
      timezone: str(),
      priceMode: {
        ...enumOf(PRICE_MODES),
        description: 'Prices shown and compared all-in (fees, tax, delivery) or before fees',
      },
      disabled: { type: 'boolean' },
      createdAt: nullable(dateTime()),
    }),
    AccessToken: obj({
      id: str(),
      name: nullable(str()),
      abilities: arr(str()),
      lastUsedAt: nullable(dateTime()),
      createdAt: dateTime(),
      expiresAt: nullable(dateTime()),
    }),
    NewAccessToken: obj({
      id: str(),
      name: nullable(str()),
      abilities: arr(str()),
      secret: str({ description: 'Shown once' }),
    }),
  },
  paths: {
    '/me': {
      get: {
        'summary': 'The token owner',
        'x-abilities': ['read'],
        'responses': { '200': dataOf(ref('User')) },
      },
      patch: {
        'summary': "Change the token owner's own settings (price mode)",
        'x-abilities': ['write'],
        'requestBody': body(input({ priceMode: enumOf(PRICE_MODES) }, ['priceMode'])),
        'responses': { '200': dataOf(ref('User')), ...errors(413, 415, 422) },
      },
    },
    '/tokens': {
      get: {
        'summary': "The owner's access tokens (never their secrets)",
        'x-abilities': ['read'],
        'responses': { '200': dataOf(arr(ref('AccessToken'))) },
      },
      post: {
        'summary': 'Create a token (abilities bounded by the role); the secret is shown once',
        'x-abilities': ['write'],
        'requestBody': body(
          input(
            {
              name: str({ minLength: 1, maxLength: 80 }),
              abilities: arr(enumOf(ABILITIES), { minItems: 1, uniqueItems: true }),
            },
            ['name', 'abilities']
          )
        ),
        'responses': { '201': dataOf(ref('NewAccessToken'), 'Created'), ...errors(413, 415, 422) },
      },
    },
    '/tokens/{id}': {
      delete: {
        'summary': 'Revoke one of your tokens',
        'x-abilities': ['write'],
        'parameters': [pathId()],
        'responses': { '204': noContent(), ...errors(404) },
      },
    },
  },
}
export default module
