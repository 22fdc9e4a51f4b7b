import type { HttpContext } from '@adonisjs/core/http'
import User from '#models/user'
import UserTransformer from '#transformers/user_transformer'
import ApiException from '#exceptions/api_exception'

export default class UsersController {
  async index({ auth }: HttpContext) {
    const actor = auth.use('api').getUserOrFail()
    if (actor.role !== 'admin') throw new ApiException('E_FORBIDDEN', 'Only admins list users', 403)
    const users = await User.query().orderBy('id').limit(500)
    return { data: users.map((user) => UserTransformer.toJSON(user)) }
  }
}
