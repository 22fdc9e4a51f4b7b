import { json, type OpenApiModule } from '#api/openapi/schema'

const module: OpenApiModule = {
  tag: { name: 'system', description: 'The API about itself' },
  paths: {
    '/openapi.json': {
      get: {
        'summary': 'This document (OpenAPI 3.1). A readable version is at /api/docs.',
        'x-abilities': [],
        'security': [],
        'responses': { '200': json({ type: 'object', required: ['openapi', 'paths'] }) },
      },
    },
  },
}
export default module
