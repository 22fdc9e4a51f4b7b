import type { HttpContext } from '@adonisjs/core/http'
import UserTransformer from '#transformers/user_transformer'

export default class MeController {
  async show({ auth }: HttpContext) {
    return { data: UserTransformer.toJSON(auth.use('api').getUserOrFail()) }
  }
}
