import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import UserTransformer from '#transformers/user_transformer'
import UserService from '#services/user_service'
import { meValidator } from '#validators/auth_validator'

@inject()
export default class MeController {
  constructor(private users: UserService) {}

  async show({ auth }: HttpContext) {
    return { data: UserTransformer.toJSON(auth.use('api').getUserOrFail()) }
  }

  /** The caller's own settings (the price mode: all-in or before fees) */
  async update({ auth, request }: HttpContext) {
    const payload = await request.validateUsing(meValidator)
    const user = await this.users.updateProfile(auth.use('api').getUserOrFail(), payload)
    return { data: UserTransformer.toJSON(user) }
  }
}
