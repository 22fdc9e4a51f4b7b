import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import AccessTokenService from '#services/access_token_service'
import { createTokenValidator } from '#validators/auth_validator'

@inject()
export default class TokensController {
  constructor(private tokens: AccessTokenService) {}

  async index({ auth }: HttpContext) {
    return { data: await this.tokens.list(auth.use('api').getUserOrFail()) }
  }

  async store({ auth, request, response }: HttpContext) {
    const payload = await request.validateUsing(createTokenValidator)
    const token = await this.tokens.create(
      auth.use('api').getUserOrFail(),
      payload.name,
      payload.abilities
    )
    return response.status(201).send({ data: token })
  }

  async destroy({ auth, params, response }: HttpContext) {
    await this.tokens.revoke(auth.use('api').getUserOrFail(), params.id)
    return response.noContent()
  }
}
