import {
  body,
  dataOf,
  enumOf,
  errors,
  input,
  listParams,
  pageOf,
  pathId,
  queryParam,
  ref,
  str,
  type OpenApiModule,
} from '#api/openapi/schema'

const ROLES = ['admin', 'manager', 'member', 'viewer'] as const

const module: OpenApiModule = {
  tag: { name: 'users', description: 'Users (admin tokens only)' },
  paths: {
    '/users': {
      get: {
        'summary': 'Users',
        'x-abilities': ['admin'],
        'parameters': [
          ...listParams(['id', 'email', 'createdAt'], 'id'),
          queryParam('role', enumOf(ROLES), 'Role'),
          queryParam('q', str(), 'Email or name contains'),
        ],
        'responses': { '200': pageOf(ref('User')), ...errors(400, 422) },
      },
    },
    '/users/{id}': {
      get: {
        'summary': 'One user',
        'x-abilities': ['admin'],
        'parameters': [pathId()],
        'responses': { '200': dataOf(ref('User')), ...errors(404) },
      },
    },
    '/users/{id}/role': {
      put: {
        'summary': "Change a user's role (audited; not your own)",
        'x-abilities': ['admin'],
        'parameters': [pathId()],
        'requestBody': body(input({ role: enumOf(ROLES) }, ['role'])),
        'responses': { '200': dataOf(ref('User')), ...errors(404, 413, 415, 422) },
      },
    },
  },
}
export default module
