import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import UserService from '#services/user_service'
import UserTransformer from '#transformers/user_transformer'
import { apiErrors } from '#exceptions/catalogue'
import { changeRoleValidator } from '#validators/auth_validator'
import { paginate, parseListQuery, type ListSpec } from '#api/pagination'

const spec: ListSpec = {
  sorts: { id: { column: 'id' }, email: { column: 'email' }, createdAt: { column: 'created_at' } },
  defaultSort: 'id',
  enums: { role: ['admin', 'manager', 'member', 'viewer'] },
  filters: {
    role: (query, value) => query.where('role', value),
    q: (query, value) => {
      const like = `%${value.toLowerCase()}%`
      query.where((where) =>
        where
          .whereRaw('lower(email) like ?', [like])
          .orWhereRaw("lower(coalesce(full_name, '')) like ?", [like])
      )
    },
  },
}

/** /api/v1/users — admin tokens of admins only. */
@inject()
export default class UsersController {
  constructor(private users: UserService) {}

  private admin(ctx: HttpContext) {
    const actor = ctx.auth.use('api').getUserOrFail()
    if (actor.role !== 'admin') throw new apiErrors.E_FORBIDDEN('Only admins manage users')
    return actor
  }

  private async target(id: string) {
    const user = /^\d{1,9}$/.test(id) ? await User.find(Number(id)) : null
    if (!user) throw new apiErrors.E_NOT_FOUND('No such user')
    return user
  }

  async index(ctx: HttpContext) {
    this.admin(ctx)
    const list = parseListQuery(ctx.request.qs(), spec)
    return paginate(db.from('users'), list, spec, (row: any) =>
      UserTransformer.toJSON(User.$createFromAdapterResult(row)!)
    )
  }

  async show(ctx: HttpContext) {
    this.admin(ctx)
    return { data: UserTransformer.toJSON(await this.target(ctx.params.id)) }
  }

  async updateRole(ctx: HttpContext) {
    const actor = this.admin(ctx)
    const { role } = await ctx.request.validateUsing(changeRoleValidator)
    const target = await this.target(ctx.params.id)
    if (target.id === actor.id)
      throw new apiErrors.E_VALIDATION('You cannot change your own role', 'role')
    return { data: UserTransformer.toJSON(await this.users.changeRole(actor, target, role)) }
  }
}
