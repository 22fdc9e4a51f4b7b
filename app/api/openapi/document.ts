/**
 * The OpenAPI 3.1 document of /api/v1, merged from one module per resource
 * (app/api/openapi/resources/*). To document a new route file: add a module
 * there and one line to MODULES. The contract test
 * (tests/functional/api/v1/contract.spec.ts) fails for any /api/v1 route of
 * the router that has no operation here, and validates responses against it.
 *
 * Served at GET /api/v1/openapi.json; committed as docs/openapi.json
 * (`node ace openapi:write`; a test checks the committed copy is current).
 */
import {
  errorResponseComponents,
  obj,
  str,
  int,
  arr,
  nullable,
  type OpenApiModule,
  type Schema,
} from '#api/openapi/schema'
import { CATALOGUE, type ErrorCode } from '#exceptions/catalogue'
import account from '#api/openapi/resources/account'
import users from '#api/openapi/resources/users'
import watchRules from '#api/openapi/resources/watch_rules'
import purchases from '#api/openapi/resources/purchases'
import alerts from '#api/openapi/resources/alerts'
import tickets from '#api/openapi/resources/tickets'
import platforms from '#api/openapi/resources/platforms'
import scrapers from '#api/openapi/resources/scrapers'
import accounts from '#api/openapi/resources/accounts'
import bulk from '#api/openapi/resources/bulk'
import system from '#api/openapi/resources/system'
import analytics from '#api/openapi/resources/analytics'
import notifications from '#api/openapi/resources/notifications'

export const MODULES: OpenApiModule[] = [
  account,
  users,
  accounts,
  platforms,
  tickets,
  scrapers,
  watchRules,
  alerts,
  purchases,
  analytics,
  notifications,
  bulk,
  system,
]

/**
 * The error catalogue (#exceptions/catalogue) as the document shows it: every
 * code an error can carry, with its one HTTP status and its meaning.
 */
function errorCodeSchema(): Schema {
  const codes = Object.keys(CATALOGUE) as ErrorCode[]
  const rows = codes.map(
    (code) => `| \`${code}\` | ${CATALOGUE[code].status} | ${CATALOGUE[code].meaning} |`
  )
  return str({
    enum: codes,
    description: [
      'Stable code from the error catalogue; each code has one HTTP status.',
      'Codes with status 422 also name one input (`field`) in a list of field errors.',
      '',
      '| Code | Status | Meaning |',
      '| --- | --- | --- |',
      ...rows,
    ].join('\n'),
  })
}

const COMMON_SCHEMAS: Record<string, Schema> = {
  Error: obj(
    {
      code: errorCodeSchema(),
      message: str(),
      field: str(),
      rule: str(),
    },
    ['field', 'rule']
  ),
  Errors: obj({ errors: arr({ $ref: '#/components/schemas/Error' }, { minItems: 1 }) }),
  Money: obj({
    amountMinor: int({ description: 'Integer minor units (cents)' }),
    currency: str({ pattern: '^[A-Z]{3}$' }),
  }),
  PageMeta: obj({
    limit: int({ minimum: 1 }),
    nextCursor: nullable(
      str({ description: 'Pass as `cursor` for the next page; null on the last page' })
    ),
  }),
}

const RATE_HEADERS = {
  'RateLimit-Limit': { description: 'Requests allowed per window for this token', schema: int() },
  'RateLimit-Remaining': { description: 'Requests left in the window', schema: int() },
  'RateLimit-Reset': { description: 'Seconds until the window resets', schema: int() },
}

export function buildOpenApiDocument(modules: OpenApiModule[] = MODULES) {
  const paths: Record<string, Record<string, any>> = {}
  const schemas: Record<string, Schema> = { ...COMMON_SCHEMAS }
  for (const module of modules) {
    for (const [name, schema] of Object.entries(module.schemas ?? {})) {
      if (schemas[name])
        throw new Error(`OpenAPI: schema "${name}" is defined twice (module ${module.tag.name})`)
      schemas[name] = schema
    }
    for (const [path, operations] of Object.entries(module.paths)) {
      paths[path] ??= {}
      for (const [method, operation] of Object.entries(operations)) {
        if (paths[path][method])
          throw new Error(`OpenAPI: ${method.toUpperCase()} ${path} is documented twice`)
        const security = operation!.security as unknown[] | undefined
        const authenticated = security === undefined || security.length > 0
        paths[path][method] = {
          tags: [module.tag.name],
          operationId: `${method}${path
            .replace(/[{}]/g, '')
            .split(/[/-]/)
            .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
            .join('')}`,
          ...operation,
          responses: {
            ...operation!.responses,
            ...(authenticated
              ? {
                  '401': { $ref: '#/components/responses/E401' },
                  '403': { $ref: '#/components/responses/E403' },
                  '429': { $ref: '#/components/responses/E429' },
                  '503': { $ref: '#/components/responses/E503' },
                }
              : {}),
          },
        }
      }
    }
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'HDTickets API',
      version: '1.0.0',
      description: [
        'Bearer access tokens (create them under Settings → API tokens, or `POST /api/v1/tokens`) carry abilities:',
        '`read`, `write`, `purchase`, `admin`; each operation lists what it needs in `x-abilities`.',
        'Errors are one envelope: `{ "errors": [{ "code", "message", "field"? }] }`, each `code` from the catalogue in the',
        '`Error` schema (one HTTP status per code). Every response carries `X-Request-Id`.',
        'Lists page by cursor (`limit`, `cursor`, `sort`, and the filters each list names); unknown query parameters and',
        'unknown body fields are a 422 naming them. Bodies are JSON (`Content-Type: application/json`, else 415) of at most',
        '1 MB (else 413). Each token has a rate limit (429 with `Retry-After`; `RateLimit-*` headers on every response).',
        'While a service the deployment depends on (Redis, in the scaled mode) is unreachable, calls that need it answer',
        '503 `E_SERVICE_UNAVAILABLE` with `Retry-After`, and work again once it is back.',
      ].join(' '),
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearerAuth: [] }],
    tags: modules.map((module) => module.tag),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'hdt_… access token' },
      },
      headers: RATE_HEADERS,
      parameters: {
        Limit: {
          name: 'limit',
          in: 'query',
          required: false,
          description: 'Page size (1–200, default 50)',
          schema: { type: 'integer', minimum: 1, maximum: 200 },
        },
        Cursor: {
          name: 'cursor',
          in: 'query',
          required: false,
          description: '`meta.nextCursor` of the previous page',
          schema: { type: 'string' },
        },
      },
      responses: errorResponseComponents(),
      schemas,
    },
  }
}

let cached: ReturnType<typeof buildOpenApiDocument> | null = null

export function openApiDocument() {
  cached ??= buildOpenApiDocument()
  return cached
}
