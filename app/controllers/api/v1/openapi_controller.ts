import type { HttpContext } from '@adonisjs/core/http'
import { openApiDocument } from '#api/openapi/document'
import { renderDocsPage } from '#api/openapi/docs_page'

let page: string | null = null

/** The API's own description: the OpenAPI document and a readable page of it. */
export default class OpenApiController {
  async document({ response }: HttpContext) {
    return response.header('cache-control', 'public, max-age=300').json(openApiDocument())
  }

  async docs({ response }: HttpContext) {
    page ??= renderDocsPage(openApiDocument())
    return response
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(page)
  }
}
