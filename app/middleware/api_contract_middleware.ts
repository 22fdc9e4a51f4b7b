import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { apiErrors } from '#exceptions/catalogue'
import { openApiDocument } from '#api/openapi/document'
import { firstUnknownField, operationFor, queryParameters } from '#api/openapi/lookup'

/**
 * Holds /api/v1 requests to the OpenAPI document before they reach a
 * controller: a query parameter the operation does not document is a 422
 * naming it; a body in a content type the operation does not take is a
 * 415; a body field the operation does not document is a 422 naming it
 * (validators would silently drop it). Oversized bodies are refused by the
 * body parser (413, config/bodyparser.ts). Other paths pass untouched.
 */
export default class ApiContractMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const pattern = ctx.route?.pattern
    if (!pattern || !pattern.startsWith('/api/v1/')) return next()
    const method = ctx.request.method().toLowerCase()
    const operation = operationFor(openApiDocument(), pattern, method)
    if (!operation) return next()
    /** A query parameter the operation does not document (`constructor=1` too) is a 422 naming it. */
    const documented = queryParameters(openApiDocument(), operation)
    /**
     * Names read from the raw query string: the query parser drops the ones
     * that shadow Object.prototype (`constructor`, `__proto__`), silently.
     */
    const raw = new URLSearchParams(ctx.request.parsedUrl.query ?? '')
    const names = new Set([...raw.keys()].map((key) => key.split('[')[0]))
    for (const name of names) {
      if (!documented.has(name))
        throw new apiErrors.E_UNKNOWN_FIELD(`Unknown query parameter "${name}"`, name)
    }
    const hasBody =
      Number(ctx.request.header('content-length') ?? 0) > 0 ||
      ctx.request.header('transfer-encoding') !== undefined
    if (!hasBody) return next()

    const contentType = (ctx.request.header('content-type') ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase()
    const accepted = Object.keys(operation.requestBody?.content ?? { 'application/json': {} })
    if (!accepted.includes(contentType)) {
      throw new apiErrors.E_UNSUPPORTED_MEDIA_TYPE(
        `Send the body as ${accepted.join(' or ')} (got "${contentType || 'none'}")`
      )
    }
    if (contentType === 'application/json') {
      const schema = operation.requestBody?.content?.['application/json']?.schema ?? {
        type: 'object',
        properties: {},
        additionalProperties: false,
      }
      const unknown = firstUnknownField(openApiDocument(), schema, ctx.request.body())
      if (unknown) throw new apiErrors.E_UNKNOWN_FIELD(`Unknown field "${unknown}"`, unknown)
    }
    return next()
  }
}
