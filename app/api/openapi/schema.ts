/**
 * Small builders for the OpenAPI 3.1 document (JSON Schema 2020-12), so each
 * resource module reads like its shape. Objects are closed
 * (`additionalProperties: false`) and every listed property is required
 * unless named in `optional`: a response growing a field, or a request
 * sending one we do not know, is caught by the contract tests and the
 * unknown-field guard.
 */
export type Schema = Record<string, any>

export interface Operation {
  'summary': string
  'description'?: string
  'tags'?: string[]
  /** The token abilities the route requires (checked by the contract test). */
  'x-abilities': string[]
  'parameters'?: Schema[]
  'requestBody'?: Schema
  'responses': Record<string, Schema>
  [key: string]: unknown
}

export type Paths = Record<
  string,
  Partial<Record<'get' | 'post' | 'put' | 'patch' | 'delete', Operation>>
>

/**
 * One resource's part of the document. Add a file under
 * app/api/openapi/resources/ exporting one of these and list it in
 * app/api/openapi/document.ts.
 */
export interface OpenApiModule {
  tag: { name: string; description: string }
  paths: Paths
  schemas?: Record<string, Schema>
}

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` })
export const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra })
export const int = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra })
export const num = (extra: Schema = {}): Schema => ({ type: 'number', ...extra })
export const bool = (): Schema => ({ type: 'boolean' })
export const dateTime = (): Schema => ({ type: 'string', format: 'date-time' })
export const arr = (items: Schema, extra: Schema = {}): Schema => ({
  type: 'array',
  items,
  ...extra,
})
export const anyObject = (): Schema => ({ type: 'object' })
export const enumOf = (values: readonly string[]): Schema => ({ type: 'string', enum: [...values] })

/** `T | null`. */
export function nullable(schema: Schema): Schema {
  if (schema.$ref) return { oneOf: [schema, { type: 'null' }] }
  if (typeof schema.type === 'string') {
    const copy: Schema = { ...schema, type: [schema.type, 'null'] }
    if (copy.enum) copy.enum = [...copy.enum, null]
    return copy
  }
  return { oneOf: [schema, { type: 'null' }] }
}

/** A closed object; every property required except those in `optional`. */
export function obj(properties: Record<string, Schema>, optional: string[] = []): Schema {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((key) => !optional.includes(key)),
    additionalProperties: false,
  }
}

/** A request body: closed, with only `required` required. */
export function input(properties: Record<string, Schema>, required: string[] = []): Schema {
  return { type: 'object', properties, required, additionalProperties: false }
}

export const money = (): Schema => ref('Money')

export function json(schema: Schema, description = 'OK'): Schema {
  return { description, content: { 'application/json': { schema } } }
}

/** `{ data: T }`. */
export const dataOf = (schema: Schema, description = 'OK') =>
  json(obj({ data: schema }), description)

/** `{ data: T[], meta: { limit, nextCursor } }`. */
export const pageOf = (item: Schema) => json(obj({ data: arr(item), meta: ref('PageMeta') }))

export const noContent = (): Schema => ({ description: 'Done (no body)' })

export function body(schema: Schema, required = true): Schema {
  return { required, content: { 'application/json': { schema } } }
}

export const pathId = (name = 'id', description = 'Id'): Schema => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', pattern: '^[0-9]+$' },
})

export const queryParam = (name: string, schema: Schema, description: string): Schema => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
})

/** limit, cursor and sort, as every list takes them (app/api/pagination.ts). */
export function listParams(sorts: string[], defaultSort: string): Schema[] {
  return [
    { $ref: '#/components/parameters/Limit' },
    { $ref: '#/components/parameters/Cursor' },
    queryParam(
      'sort',
      enumOf(sorts.flatMap((name) => [name, `-${name}`])),
      `Sort field, \`-\` prefix for descending (default \`${defaultSort}\`)`
    ),
  ]
}

const ERROR_TEXT: Record<string, string> = {
  '400': 'Bad request (e.g. an invalid cursor)',
  '401': 'Missing, wrong, expired or revoked token',
  '403': 'The token lacks an ability, or the role does not allow it',
  '404': 'Not found (or not yours)',
  '409': 'Conflict with the current state',
  '413': 'Body too large',
  '415': 'Unsupported content type',
  '422': 'Invalid input; `field` names it',
  '429': 'Rate limited; see Retry-After',
  '503': 'Redis (scaled mode) is unreachable: nothing was done; retry after Retry-After seconds',
}

/** The error envelope for the given statuses (401, 403, 429 and 503 are added to every authenticated route). */
export function errors(...statuses: number[]): Record<string, Schema> {
  const out: Record<string, Schema> = {}
  for (const status of statuses) out[String(status)] = { $ref: `#/components/responses/E${status}` }
  return out
}

export const errorResponseComponents = () =>
  Object.fromEntries(
    Object.entries(ERROR_TEXT).map(([status, description]) => [
      `E${status}`,
      json(ref('Errors'), description),
    ])
  )
