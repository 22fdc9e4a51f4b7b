/**
 * Holds API responses to the committed OpenAPI document: JSON Schema
 * 2020-12 (ajv) on the body of the documented status, and a record of which
 * (operation, status) pairs the tests have validated, so the contract test
 * can insist on a success and an error for every operation.
 */
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import router from '@adonisjs/core/services/router'
import { openApiDocument } from '#api/openapi/document'
import { toOpenApiPath } from '#api/openapi/lookup'

const DOC_ID = 'https://hdtickets.local/openapi.json'
const doc = openApiDocument()

const ajv = new Ajv2020({ strict: false, allErrors: true })
;(addFormats as unknown as (ajv: Ajv2020) => void)(ajv)
ajv.addSchema(doc as any, DOC_ID)

const pointer = (...parts: string[]) =>
  parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')
const validators = new Map<string, ReturnType<typeof ajv.compile>>()

export const validated = new Set<string>()

/** Every /api/v1 route the router holds: `GET /tickets/{id}` style keys. */
export function routerOperations(): string[] {
  const out = new Set<string>()
  for (const routes of Object.values(router.toJSON())) {
    for (const route of routes) {
      if (!route.pattern.startsWith('/api/v1/')) continue
      for (const method of route.methods) {
        if (method === 'HEAD') continue
        out.add(`${method} ${toOpenApiPath(route.pattern)}`)
      }
    }
  }
  return [...out].sort()
}

export function documentedOperations(): string[] {
  const out: string[] = []
  for (const [path, methods] of Object.entries(doc.paths))
    for (const method of Object.keys(methods)) out.push(`${method.toUpperCase()} ${path}`)
  return out.sort()
}

export function operation(key: string): any {
  const [method, path] = key.split(' ')
  return (doc.paths as any)[path]?.[method.toLowerCase()]
}

function responseSpec(op: any, status: number) {
  let spec = op.responses[String(status)]
  if (spec?.$ref) spec = (doc.components.responses as any)[spec.$ref.split('/').pop()]
  return spec
}

/**
 * Asserts the response is what the document says `key` answers with this
 * status. Returns the errors (empty when it conforms).
 */
export function conformanceErrors(
  key: string,
  response: {
    status(): number
    body(): any
    text(): string
    header(name: string): string | undefined
  }
): string[] {
  const op = operation(key)
  if (!op) return [`${key} is not documented`]
  const status = response.status()
  const spec = responseSpec(op, status)
  if (!spec)
    return [
      `${key} answered ${status}, which the document does not list (${Object.keys(op.responses).join(', ')})`,
    ]
  const problems: string[] = []
  if (!response.header('x-request-id')) problems.push(`${key} ${status}: no x-request-id header`)
  const contentType = (response.header('content-type') ?? '').split(';')[0]
  if (!spec.content) {
    if (response.text()) problems.push(`${key} ${status}: documented without a body, but sent one`)
  } else if (!spec.content[contentType]) {
    problems.push(
      `${key} ${status}: content type "${contentType}" is not documented (${Object.keys(spec.content).join(', ')})`
    )
  } else if (contentType === 'application/json') {
    const [method, path] = key.split(' ')
    const ref = op.responses[String(status)].$ref
    const target = ref
      ? `${DOC_ID}${ref}/content/application~1json/schema`
      : `${DOC_ID}#/${pointer('paths', path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`
    let validate = validators.get(target)
    if (!validate) {
      validate = ajv.compile({ $ref: target })
      validators.set(target, validate)
    }
    if (!validate(response.body())) {
      problems.push(
        `${key} ${status}: body does not match the document: ${ajv.errorsText(validate.errors, { separator: '; ' })}`
      )
    }
  }
  if (!problems.length) validated.add(`${key} ${status}`)
  return problems
}

/** Every component schema compiles as JSON Schema 2020-12 (strict: unknown keywords refused). */
export function schemaProblems(): string[] {
  const strict = new Ajv2020({
    strict: true,
    strictRequired: false,
    allErrors: true,
    keywords: ['x-abilities'],
  })
  ;(addFormats as unknown as (ajv: Ajv2020) => void)(strict)
  const problems: string[] = []
  const withRefs = { $id: 'https://hdtickets.local/components.json', $defs: doc.components.schemas }
  const text = JSON.stringify(withRefs).replaceAll('#/components/schemas/', '#/$defs/')
  try {
    strict.addSchema(JSON.parse(text))
    for (const name of Object.keys(doc.components.schemas))
      strict.getSchema(`https://hdtickets.local/components.json#/$defs/${name}`)
  } catch (error) {
    problems.push((error as Error).message)
  }
  return problems
}
