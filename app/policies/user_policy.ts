import { BasePolicy } from '@adonisjs/bouncer'
import type { AuthorizerResponse } from '@adonisjs/bouncer/types'
import type User from '#models/user'

export default class UserPolicy extends BasePolicy {
  list(actor: User): AuthorizerResponse {
    return actor.role === 'admin'
  }

  /** Admins change roles, but never demote themselves (a deployment keeps an admin). */
  changeRole(actor: User, target: User): AuthorizerResponse {
    return actor.role === 'admin' && actor.id !== target.id
  }
}
