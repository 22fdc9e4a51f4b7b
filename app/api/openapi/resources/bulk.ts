import {
  anyObject,
  arr,
  bool,
  dataOf,
  enumOf,
  errors,
  int,
  nullable,
  obj,
  queryParam,
  str,
  type OpenApiModule,
} from '#api/openapi/schema'

const kind = {
  name: 'kind',
  in: 'path',
  required: true,
  description: 'watch-rules, events or accounts',
  schema: enumOf(['watch-rules', 'events', 'accounts']),
}

const module: OpenApiModule = {
  tag: {
    name: 'bulk',
    description:
      'Export and import of watch rules, events (managers, to import) and linked accounts, in JSON or CSV. Never a credential: imported accounts wait for theirs (status no_credentials). Imports are all-or-nothing with a per-row report; existing rows are skipped.',
  },
  schemas: {
    ImportReport: obj({
      kind: enumOf(['watch-rules', 'events', 'accounts']),
      dryRun: bool(),
      total: int(),
      created: int({ description: 'Rows written (or, in a dry run, that would be)' }),
      skipped: int({ description: 'Rows already present' }),
      errors: arr(obj({ row: int({ minimum: 1 }), field: nullable(str()), message: str() })),
    }),
  },
  paths: {
    '/export/{kind}': {
      get: {
        'summary':
          'Export as JSON ({ kind, version, items }) or CSV (one column per field, nested values as JSON)',
        'x-abilities': ['read'],
        'parameters': [
          kind,
          queryParam('format', enumOf(['json', 'csv']), 'json (default) or csv'),
        ],
        'responses': {
          '200': {
            description: 'The export',
            content: {
              'application/json': {
                schema: obj({ kind: str(), version: int(), items: arr(anyObject()) }),
              },
              'text/csv': { schema: str() },
            },
          },
          ...errors(404, 422),
        },
      },
    },
    '/import/{kind}': {
      post: {
        'summary':
          'Import rows; nothing is written unless every row is good (dryRun=true only checks)',
        'x-abilities': ['write'],
        'parameters': [
          kind,
          queryParam('dryRun', enumOf(['true', 'false']), 'Only check, write nothing'),
        ],
        'requestBody': {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { items: arr(anyObject(), { maxItems: 5000 }) },
                required: ['items'],
                additionalProperties: false,
              },
            },
            'text/csv': { schema: str() },
          },
        },
        'responses': {
          '200': dataOf({ $ref: '#/components/schemas/ImportReport' }),
          ...errors(404, 413, 415, 422),
        },
      },
    },
  },
}
export default module
