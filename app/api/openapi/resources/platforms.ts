import {
  arr,
  bool,
  dataOf,
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
  enumOf,
  type OpenApiModule,
} from '#api/openapi/schema'

const module: OpenApiModule = {
  tag: {
    name: 'platforms',
    description: 'Ticket platforms HDTickets talks to, their limits and credential fields',
  },
  schemas: {
    Platform: obj({
      id: int(),
      slug: str(),
      name: str(),
      enabled: bool(),
      capabilities: obj({ discover: bool(), market: bool(), checkout: bool() }),
      requestsPerSecond: num(),
      requestsPerDay: nullable(int()),
      maxTicketsPerOrder: nullable(int()),
      hasDeploymentCredential: bool(),
      credentialFields: arr(obj({ name: str(), label: str(), secret: bool() })),
    }),
  },
  paths: {
    '/platforms': {
      get: {
        'summary': 'Platforms',
        'x-abilities': ['read'],
        'parameters': [
          ...listParams(['id', 'name', 'slug'], 'name'),
          queryParam('enabled', enumOf(['true', 'false']), 'Enabled or not'),
        ],
        'responses': { '200': pageOf(ref('Platform')), ...errors(400, 422) },
      },
    },
    '/platforms/{id}': {
      get: {
        'summary': 'One platform',
        'x-abilities': ['read'],
        'parameters': [pathId()],
        'responses': { '200': dataOf(ref('Platform')), ...errors(404) },
      },
    },
  },
}
export default module
