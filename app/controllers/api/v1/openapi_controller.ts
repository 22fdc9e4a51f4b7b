import type { HttpContext } from '@adonisjs/core/http'
import { openApiDocument } from '#api/openapi/document'

/** The API's own description: the OpenAPI document, and a page that renders it. */
export default class OpenApiController {
  async document({ response }: HttpContext) {
    return response.header('cache-control', 'public, max-age=300').json(openApiDocument())
  }

  /** Swagger UI (bundled with the app, no CDN) on the document above. */
  async docs({ inertia, auth }: HttpContext) {
    return inertia.render('api/docs', {
      documentUrl: '/api/v1/openapi.json',
      signedIn: Boolean(auth.user),
    })
  }
}
