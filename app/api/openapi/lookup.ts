/**
 * Reading the OpenAPI document at run time: which operation serves a route
 * pattern, and the first body field a closed schema does not know.
 */
type Doc = {
  paths: Record<string, Record<string, any>>
  components: { schemas: Record<string, any>; parameters?: Record<string, any> }
}

/** `/api/v1/watch-rules/:id` → `/watch-rules/{id}`. */
export function toOpenApiPath(pattern: string) {
  return pattern.replace(/^\/api\/v1/, '').replace(/:([A-Za-z0-9_]+)\??/g, '{$1}') || '/'
}

export function operationFor(doc: Doc, pattern: string, method: string): any | null {
  return doc.paths[toOpenApiPath(pattern)]?.[method] ?? null
}

function resolve(doc: Doc, schema: any): any {
  let current = schema
  for (let depth = 0; current?.$ref && depth < 10; depth++) {
    current = doc.components.schemas[current.$ref.replace('#/components/schemas/', '')]
  }
  return current
}

/**
 * Walks `value` along `schema` and returns the dotted path of the first
 * property a closed object (`additionalProperties: false`) does not list.
 * Branches (`oneOf`/`anyOf`) are left to the validators.
 */
export function firstUnknownField(doc: Doc, schema: any, value: unknown, path = ''): string | null {
  const resolved = resolve(doc, schema)
  if (!resolved || value === null || typeof value !== 'object') return null
  if (Array.isArray(value)) {
    if (!resolved.items) return null
    for (const [index, item] of value.entries()) {
      const found = firstUnknownField(
        doc,
        resolved.items,
        item,
        `${path}${path ? '.' : ''}${index}`
      )
      if (found) return found
    }
    return null
  }
  if (resolved.type !== 'object' && !resolved.properties) return null
  const properties = resolved.properties ?? {}
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childPath = `${path}${path ? '.' : ''}${key}`
    /** Own keys only: `constructor` or `__proto__` are no property of any schema. */
    if (!Object.hasOwn(properties, key)) {
      if (resolved.additionalProperties === false) return childPath
      continue
    }
    const found = firstUnknownField(doc, properties[key], child, childPath)
    if (found) return found
  }
  return null
}

/** The query parameters an operation documents (its own and `$ref`'d shared ones). */
export function queryParameters(doc: Doc, operation: any): Set<string> {
  const names = new Set<string>()
  for (const parameter of operation?.parameters ?? []) {
    const resolved = parameter.$ref
      ? doc.components.parameters?.[parameter.$ref.replace('#/components/parameters/', '')]
      : parameter
    if (resolved?.in === 'query') names.add(resolved.name)
  }
  return names
}
