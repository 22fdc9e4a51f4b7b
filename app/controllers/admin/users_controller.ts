import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import User from '#models/user'
import UserService from '#services/user_service'
import UserTransformer from '#transformers/user_transformer'
import { changeRoleValidator } from '#validators/auth_validator'

@inject()
export default class AdminUsersController {
  constructor(private users: UserService) {}

  async index({ inertia, bouncer }: HttpContext) {
    await bouncer.with('UserPolicy').authorize('list')
    const users = await User.query().orderBy('id')
    return inertia.render('admin/users', {
      users: users.map((user) => UserTransformer.toJSON(user)),
    })
  }

  async updateRole({ params, request, auth, bouncer, response, session }: HttpContext) {
    const { role } = await request.validateUsing(changeRoleValidator)
    const target = await User.findOrFail(params.id)
    await bouncer.with('UserPolicy').authorize('changeRole', target)
    await this.users.changeRole(auth.getUserOrFail(), target, role)
    session.flash('success', `${target.email} is now ${role}.`)
    return response.redirect('/admin/users')
  }
}
